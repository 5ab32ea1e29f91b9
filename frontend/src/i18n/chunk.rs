//! The words of the BDAT chunk helper (`components/bdat_helper.rs`) in both languages.

use protocol::lang::Lang;

/// The fixed words of the BDAT helper in one language.
#[derive(Debug)]
pub struct ChunkUi {
    /// The panel's heading.
    pub title: &'static str,
    /// The count: `{octets}` octets in `{lines}` lines, CRLF included.
    pub count: fn(u64, usize) -> String,
    /// The send buttons' prefix ("Send").
    pub send: &'static str,
}

const EN: ChunkUi = ChunkUi {
    title: "BDAT chunk",
    count: |octets, lines| {
        format!(
            "{octets} bytes: {lines} lines, each with its CRLF (2 bytes); a Chinese character is 3 bytes"
        )
    },
    send: "Send",
};

const ZH: ChunkUi = ChunkUi {
    title: "BDAT 数据块",
    count: |octets, lines| {
        format!("{octets} 字节：{lines} 行，每行含 CRLF（2 字节）；一个汉字占 3 字节")
    },
    send: "发送",
};

/// The BDAT helper's words in `lang`.
pub fn chunk(lang: Lang) -> &'static ChunkUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}
