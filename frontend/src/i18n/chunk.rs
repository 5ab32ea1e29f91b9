//! The words of the BDAT chunk helper (`components/bdat_helper.rs`) in both languages.

use protocol::lang::Lang;

/// The fixed words of the BDAT helper in one language.
#[derive(Debug)]
pub struct ChunkUi {
    /// The panel's heading.
    pub title: &'static str,
    /// What the box is for.
    pub hint: &'static str,
    /// The count: `{octets}` octets in `{lines}` lines, CRLF included.
    pub count: fn(u64, usize) -> String,
    /// The send buttons' prefix ("Send").
    pub send: &'static str,
    /// Why the size matters.
    pub why: &'static str,
}

const EN: ChunkUi = ChunkUi {
    title: "BDAT chunk",
    hint: "Type the chunk (headers, blank line, text). The page counts its bytes and writes the BDAT line for you.",
    count: |octets, lines| {
        format!(
            "{octets} bytes: {lines} lines, each with its CRLF (2 bytes); a Chinese character is 3 bytes"
        )
    },
    send: "Send",
    why: "Nothing marks where a chunk ends: the server reads exactly the size you declare. One byte off and your next command is read as message text, or the end of the message as a command. That is why no dot is needed, and why dot-stuffing does not exist in BDAT.",
};

const ZH: ChunkUi = ChunkUi {
    title: "BDAT 数据块",
    hint: "输入数据块（邮件头、空行、正文）。页面会计算它的字节数，并替你写出 BDAT 命令。",
    count: |octets, lines| {
        format!("{octets} 字节：{lines} 行，每行带 CRLF（2 字节）；一个汉字占 3 字节")
    },
    send: "发送",
    why: "没有任何标记表示数据块在哪里结束：服务器按你声明的大小精确读取。差一个字节，你的下一条命令就会被当作邮件内容读取，或者邮件的结尾被当作命令。所以 BDAT 不需要结束的点，也不存在点填充。",
};

/// The BDAT helper's words in `lang`.
pub fn chunk(lang: Lang) -> &'static ChunkUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}
