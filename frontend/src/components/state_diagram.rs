//! The session's state machine as a small SVG diagram (the phases of
//! `protocol::session::Phase`), with the current phase highlighted, so a learner sees
//! where the conversation is and which commands lead on.
//!
//! The drawing is laid out on a 3 x 3 grid narrow enough for the side column and a phone
//! (`VIEW_W` user units, shown at about one CSS pixel each), so its 12-13 px labels stay
//! readable instead of being scaled down with a wide drawing. It depends only on the
//! phase and the language: Yew skips it while they stay the same, so a new transcript
//! line never lays its text out again.

use protocol::lang::{Lang, Text};
use protocol::session::Phase;
use yew::prelude::*;

/// A box's width and height.
const W: i32 = 60;
const H: i32 = 26;
/// The grid: the left edge of each column, the top of each row.
const COL: [i32; 3] = [4, 130, 256];
const ROW: [i32; 3] = [8, 74, 140];

/// The drawing's size (the SVG `viewBox`); style.css shows one unit as one CSS pixel at
/// most, so the labels' sizes below are their sizes on screen in the side column.
const VIEW_W: i32 = 332;
const VIEW_H: i32 = 172;

/// A box of the diagram: the phase, its label, its column and row, and what it means.
struct Node {
    phase: Phase,
    label: &'static str,
    col: usize,
    row: usize,
    title: Text,
}

const NODES: [Node; 9] = [
    Node {
        phase: Phase::Closed,
        label: "QUIT",
        col: 0,
        row: 0,
        title: Text {
            en: "Closed: QUIT was answered, or the server hung up",
            zh: "已关闭：QUIT 已得到答复，或服务器断开了连接",
        },
    },
    Node {
        phase: Phase::TlsHandshake,
        label: "TLS",
        col: 1,
        row: 0,
        title: Text {
            en: "STARTTLS accepted: the TLS handshake runs; then EHLO again",
            zh: "STARTTLS 已接受：正在进行 TLS 握手，之后要重新 EHLO",
        },
    },
    Node {
        phase: Phase::AuthChallenge,
        label: "AUTH",
        col: 2,
        row: 0,
        title: Text {
            en: "Logging in: the server sent a 334 challenge and waits for one base64 line",
            zh: "登录中：服务器发来 334 质询，等待一行 base64",
        },
    },
    Node {
        phase: Phase::Greeting,
        label: "START",
        col: 0,
        row: 1,
        title: Text {
            en: "Connected: waiting for the server's 220 greeting",
            zh: "已连接：等待服务器的 220 问候",
        },
    },
    Node {
        phase: Phase::Hello,
        label: "HELO",
        col: 1,
        row: 1,
        title: Text {
            en: "Greeted: say EHLO (or HELO) next",
            zh: "已问候：接下来发送 EHLO（或 HELO）",
        },
    },
    Node {
        phase: Phase::Ready,
        label: "SMTP",
        col: 2,
        row: 1,
        title: Text {
            en: "Introduced: MAIL FROM, STARTTLS, AUTH or QUIT may follow",
            zh: "已自我介绍：接下来可以 MAIL FROM、STARTTLS、AUTH 或 QUIT",
        },
    },
    Node {
        phase: Phase::Mail,
        label: "MAIL",
        col: 0,
        row: 2,
        title: Text {
            en: "Sender accepted: RCPT TO comes next",
            zh: "发件人已接受：接下来是 RCPT TO",
        },
    },
    Node {
        phase: Phase::Rcpt,
        label: "RCPT",
        col: 1,
        row: 2,
        title: Text {
            en: "A recipient accepted: more RCPT TO, or DATA",
            zh: "收件人已接受：可以继续 RCPT TO，或发送 DATA",
        },
    },
    Node {
        phase: Phase::Data,
        label: "DATA",
        col: 2,
        row: 2,
        title: Text {
            en: "After 354: every line is message text until a line with a single .",
            zh: "354 之后：每一行都是邮件正文，直到只有一个 . 的一行",
        },
    },
];

/// Which way a label runs from its anchor point (SVG `text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// An arrow: from, to, its straight SVG path (`Mx,y Lx,y`), its label and where the label
/// goes. Placed by hand so no label touches a box, a line or another label (the tests
/// below check all three).
struct Edge {
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the test checks that the path joins these boxes")
    )]
    from: Phase,
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the test checks that the path joins these boxes")
    )]
    to: Phase,
    path: &'static str,
    label: &'static str,
    x: i32,
    y: i32,
    anchor: Anchor,
}

const fn edge(
    (from, to): (Phase, Phase),
    path: &'static str,
    label: &'static str,
    (x, y, anchor): (i32, i32, Anchor),
) -> Edge {
    Edge {
        from,
        to,
        path,
        label,
        x,
        y,
        anchor,
    }
}

const EDGES: [Edge; 11] = [
    edge(
        (Phase::Greeting, Phase::Hello),
        "M64,87 L130,87",
        "220",
        (97, 82, Anchor::Middle),
    ),
    edge(
        (Phase::Hello, Phase::Ready),
        "M190,87 L256,87",
        "EHLO",
        (223, 82, Anchor::Middle),
    ),
    // Down and back to the left: the envelope runs along the bottom row.
    edge(
        (Phase::Ready, Phase::Mail),
        "M262,100 L56,140",
        "MAIL",
        (128, 113, Anchor::Middle),
    ),
    edge(
        (Phase::Mail, Phase::Rcpt),
        "M64,153 L130,153",
        "RCPT",
        (97, 148, Anchor::Middle),
    ),
    edge(
        (Phase::Rcpt, Phase::Data),
        "M190,153 L256,153",
        "354",
        (223, 148, Anchor::Middle),
    ),
    // Back up: the final `.` was answered, the next message starts at MAIL.
    edge(
        (Phase::Data, Phase::Ready),
        "M300,140 L300,100",
        ". 250",
        (294, 124, Anchor::End),
    ),
    edge(
        (Phase::Ready, Phase::TlsHandshake),
        "M262,74 L190,34",
        "STARTTLS",
        (223, 25, Anchor::Middle),
    ),
    edge(
        (Phase::TlsHandshake, Phase::Hello),
        "M146,34 L146,74",
        "",
        (0, 0, Anchor::Start),
    ),
    edge(
        (Phase::Ready, Phase::AuthChallenge),
        "M280,74 L280,34",
        "334",
        (274, 58, Anchor::End),
    ),
    edge(
        (Phase::AuthChallenge, Phase::Ready),
        "M300,34 L300,74",
        "235",
        (306, 58, Anchor::Start),
    ),
    edge(
        (Phase::Greeting, Phase::Closed),
        "M34,74 L34,34",
        "QUIT",
        (40, 58, Anchor::Start),
    ),
];

/// Props of [`StateDiagram`].
#[derive(Debug, Properties, PartialEq)]
pub struct StateDiagramProps {
    /// The current phase; `None` when not connected.
    pub phase: Option<Phase>,
    /// The language.
    pub lang: Lang,
}

/// See the module documentation.
#[component]
pub fn StateDiagram(props: &StateDiagramProps) -> Html {
    let lang = props.lang;
    let title = Text {
        en: "Where the session is",
        zh: "会话所处的状态",
    }
    .get(lang);
    // What the highlighted box means, in words: a phone shows no tooltips.
    let now = NODES
        .iter()
        .find(|n| props.phase == Some(n.phase))
        .map(|n| n.title.get(lang));
    html! {
        <details id="state-diagram" class="panel diagram" open=true>
            <summary><h2>{ title }</h2></summary>
            <svg viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} role="img" aria-label={title}>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M0,0 L8,4 L0,8 z" class="arrowhead" />
                    </marker>
                </defs>
                { for EDGES.iter().map(|e| {
                    let anchor = match e.anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    html! {
                        <g class="edge">
                            <path d={e.path} marker-end="url(#arrowhead)" />
                            if !e.label.is_empty() {
                                <text x={e.x.to_string()} y={e.y.to_string()} text-anchor={anchor}>{ e.label }</text>
                            }
                        </g>
                    }
                }) }
                { for NODES.iter().map(|n| {
                    let current = props.phase == Some(n.phase);
                    let (x, y) = (COL[n.col], ROW[n.row]);
                    html! {
                        <g class={classes!("node", current.then_some("current"))} data-phase={n.label}>
                            <title>{ n.title.get(lang) }</title>
                            <rect x={x.to_string()} y={y.to_string()} width={W.to_string()} height={H.to_string()} rx="5" />
                            <text x={(x + W / 2).to_string()} y={(y + H / 2 + 5).to_string()} text-anchor="middle">{ node_label(n.phase, n.label, lang) }</text>
                        </g>
                    }
                }) }
            </svg>
            if let Some(now) = now {
                <p id="state-now" class="diagram-now">{ now }</p>
            }
        </details>
    }
}

/// A node's words: the verbs are SMTP's own; the start (waiting for the greeting) is a
/// word, so it is said in the page's language.
fn node_label(phase: Phase, label: &'static str, lang: Lang) -> &'static str {
    match phase {
        Phase::Greeting => Text {
            en: label,
            zh: "开始",
        }
        .get(lang),
        _ => label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rectangle: left, top, right, bottom.
    type Rect = (f32, f32, f32, f32);

    fn overlap(a: Rect, b: Rect) -> bool {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    }

    fn node_rect(phase: Phase) -> Rect {
        let n = NODES
            .iter()
            .find(|n| n.phase == phase)
            .unwrap_or_else(|| panic!("{phase:?} has a box"));
        let (x, y) = (COL[n.col], ROW[n.row]);
        (x as f32, y as f32, (x + W) as f32, (y + H) as f32)
    }

    /// Where a label's glyphs go: 12 px monospace (style.css) is about 7.2 px a character,
    /// 9 px above the baseline and 3 below.
    fn label_rect(e: &Edge) -> Rect {
        let width = 7.2 * e.label.chars().count() as f32;
        let left = match e.anchor {
            Anchor::Start => e.x as f32,
            Anchor::Middle => e.x as f32 - width / 2.0,
            Anchor::End => e.x as f32 - width,
        };
        (left, e.y as f32 - 9.0, left + width, e.y as f32 + 3.0)
    }

    /// The end points of a straight path `Mx,y Lx,y`.
    fn ends(path: &str) -> ((f32, f32), (f32, f32)) {
        let numbers: Vec<f32> = path
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        assert_eq!(numbers.len(), 4, "{path} is one straight line");
        ((numbers[0], numbers[1]), (numbers[2], numbers[3]))
    }

    fn on_edge_of(point: (f32, f32), rect: Rect) -> bool {
        let within = |v: f32, lo: f32, hi: f32| (lo..=hi).contains(&v);
        let (x, y) = point;
        ((x == rect.0 || x == rect.2) && within(y, rect.1, rect.3))
            || ((y == rect.1 || y == rect.3) && within(x, rect.0, rect.2))
    }

    /// Whether the line of `path` comes within `margin` of `rect` (sampled every half unit).
    fn line_touches(path: &str, rect: Rect, margin: f32) -> bool {
        let ((x0, y0), (x1, y1)) = ends(path);
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) * 2.0) as usize + 1;
        (0..=steps).any(|i| {
            let t = i as f32 / steps as f32;
            let (x, y) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            x > rect.0 - margin && x < rect.2 + margin && y > rect.1 - margin && y < rect.3 + margin
        })
    }

    #[test]
    fn every_phase_has_one_box_and_every_arrow_joins_its_two_boxes() {
        for phase in [
            Phase::Greeting,
            Phase::Hello,
            Phase::Ready,
            Phase::Mail,
            Phase::Rcpt,
            Phase::Data,
            Phase::AuthChallenge,
            Phase::TlsHandshake,
            Phase::Closed,
        ] {
            assert_eq!(NODES.iter().filter(|n| n.phase == phase).count(), 1);
        }
        for e in &EDGES {
            let (start, end) = ends(e.path);
            assert!(
                on_edge_of(start, node_rect(e.from)),
                "{} starts on {:?}",
                e.path,
                e.from
            );
            assert!(
                on_edge_of(end, node_rect(e.to)),
                "{} ends on {:?}",
                e.path,
                e.to
            );
        }
    }

    #[test]
    fn nothing_overlaps_and_everything_is_inside_the_drawing() {
        let view = (0.0, 0.0, VIEW_W as f32, VIEW_H as f32);
        let inside = |r: Rect| r.0 >= view.0 && r.1 >= view.1 && r.2 <= view.2 && r.3 <= view.3;
        let boxes: Vec<(Phase, Rect)> = NODES
            .iter()
            .map(|n| (n.phase, node_rect(n.phase)))
            .collect();
        for (i, (a, ra)) in boxes.iter().enumerate() {
            assert!(inside(*ra), "{a:?} is inside");
            for (b, rb) in &boxes[i + 1..] {
                assert!(!overlap(*ra, *rb), "{a:?} and {b:?} overlap");
            }
        }
        let labels: Vec<(&Edge, Rect)> = EDGES
            .iter()
            .filter(|e| !e.label.is_empty())
            .map(|e| (e, label_rect(e)))
            .collect();
        for (i, (a, ra)) in labels.iter().enumerate() {
            assert!(inside(*ra), "label {:?} is inside", a.label);
            for (phase, rb) in &boxes {
                assert!(
                    !overlap(*ra, *rb),
                    "label {:?} covers the box of {phase:?}",
                    a.label
                );
            }
            for (b, rb) in &labels[i + 1..] {
                assert!(
                    !overlap(*ra, *rb),
                    "labels {:?} and {:?} overlap",
                    a.label,
                    b.label
                );
            }
            for line in &EDGES {
                // A label sits beside its own arrow, never on any arrow.
                assert!(
                    !line_touches(line.path, *ra, 1.0),
                    "label {:?} touches the arrow {}",
                    a.label,
                    line.path
                );
            }
        }
    }
}
