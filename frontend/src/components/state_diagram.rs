//! The session's state machine as a small SVG diagram (the phases of
//! `protocol::session::Phase`), with the current phase highlighted, so a learner sees
//! where the conversation is and which commands lead on.

use protocol::lang::{Lang, Text};
use protocol::session::Phase;
use yew::prelude::*;

/// A box of the diagram: the phase, its label, and its top-left corner.
const NODES: [(Phase, &str, i32, i32); 9] = [
    (Phase::Greeting, "greeting", 4, 30),
    (Phase::Hello, "HELO", 80, 30),
    (Phase::Ready, "SMTP", 156, 30),
    (Phase::Mail, "MAIL", 232, 30),
    (Phase::Rcpt, "RCPT", 308, 30),
    (Phase::Data, "DATA", 384, 30),
    (Phase::TlsHandshake, "TLS", 80, 96),
    (Phase::AuthChallenge, "AUTH", 194, 96),
    (Phase::Closed, "QUIT", 384, 96),
];

/// Which way a label runs from its anchor point (SVG `text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// An arrow: from, to, its SVG path, its label and where the label goes. Placed by hand so
/// no label touches a box, a line or another label (the test below checks the boxes).
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
        "M52,42 L80,42",
        "220",
        (66, 38, Anchor::Middle),
    ),
    edge(
        (Phase::Hello, Phase::Ready),
        "M128,42 L156,42",
        "EHLO",
        (142, 38, Anchor::Middle),
    ),
    edge(
        (Phase::Ready, Phase::Mail),
        "M204,42 L232,42",
        "MAIL",
        (218, 38, Anchor::Middle),
    ),
    edge(
        (Phase::Mail, Phase::Rcpt),
        "M280,42 L308,42",
        "RCPT",
        (294, 38, Anchor::Middle),
    ),
    edge(
        (Phase::Rcpt, Phase::Data),
        "M356,42 L384,42",
        "354",
        (370, 38, Anchor::Middle),
    ),
    // Back over the top: the message is done, the next one starts at MAIL.
    edge(
        (Phase::Data, Phase::Ready),
        "M408,30 C408,6 186,6 186,30",
        ".",
        (297, 10, Anchor::Middle),
    ),
    edge(
        (Phase::Ready, Phase::TlsHandshake),
        "M164,54 L120,96",
        "STARTTLS",
        (138, 72, Anchor::End),
    ),
    edge(
        (Phase::TlsHandshake, Phase::Hello),
        "M92,96 L92,54",
        "",
        (0, 0, Anchor::Start),
    ),
    edge(
        (Phase::Ready, Phase::AuthChallenge),
        "M176,54 L206,96",
        "334",
        (188, 82, Anchor::End),
    ),
    edge(
        (Phase::AuthChallenge, Phase::Ready),
        "M226,96 L196,54",
        "235",
        (214, 72, Anchor::Start),
    ),
    edge(
        (Phase::Rcpt, Phase::Closed),
        "M344,54 L396,96",
        "QUIT",
        (360, 84, Anchor::End),
    ),
];

const W: i32 = 48;
const H: i32 = 24;

/// The drawing's size (the SVG `viewBox`).
const VIEW_W: i32 = 436;
const VIEW_H: i32 = 124;

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
    let title = Text {
        en: "Where the session is",
        zh: "会话所处的状态",
    }
    .get(props.lang);
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
                            <text x={e.x.to_string()} y={e.y.to_string()} text-anchor={anchor}>{ e.label }</text>
                        </g>
                    }
                }) }
                { for NODES.iter().map(|(phase, label, x, y)| {
                    let current = props.phase == Some(*phase);
                    html! {
                        <g class={classes!("node", current.then_some("current"))} data-phase={*label}>
                            <rect x={x.to_string()} y={y.to_string()} width={W.to_string()} height={H.to_string()} rx="5" />
                            <text x={(x + W / 2).to_string()} y={(y + H / 2 + 4).to_string()} text-anchor="middle">{ node_label(*phase, label, props.lang) }</text>
                        </g>
                    }
                }) }
            </svg>
        </details>
    }
}

/// A node's words: the verbs are SMTP's own; the wait for the greeting is said in words.
fn node_label(phase: Phase, label: &'static str, lang: Lang) -> &'static str {
    match phase {
        Phase::Greeting => Text {
            en: "greeting",
            zh: "等待问候",
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
        let (_, _, x, y) = NODES
            .iter()
            .find(|(p, ..)| *p == phase)
            .unwrap_or_else(|| panic!("{phase:?} has a box"));
        (*x as f32, *y as f32, (x + W) as f32, (y + H) as f32)
    }

    /// Where a label's glyphs go: 9 px monospace (style.css) is about 5.4 px a character
    /// and 7 px above the baseline.
    fn label_rect(e: &Edge) -> Rect {
        let width = 5.4 * e.label.chars().count() as f32;
        let left = match e.anchor {
            Anchor::Start => e.x as f32,
            Anchor::Middle => e.x as f32 - width / 2.0,
            Anchor::End => e.x as f32 - width,
        };
        (left, e.y as f32 - 7.0, left + width, e.y as f32 + 2.0)
    }

    /// The end points of a path: its first `M` and its last pair of numbers.
    fn ends(path: &str) -> ((f32, f32), (f32, f32)) {
        let numbers: Vec<f32> = path
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        let n = numbers.len();
        ((numbers[0], numbers[1]), (numbers[n - 2], numbers[n - 1]))
    }

    fn on_edge_of(point: (f32, f32), rect: Rect) -> bool {
        let within = |v: f32, lo: f32, hi: f32| (lo..=hi).contains(&v);
        let (x, y) = point;
        ((x == rect.0 || x == rect.2) && within(y, rect.1, rect.3))
            || ((y == rect.1 || y == rect.3) && within(x, rect.0, rect.2))
    }

    #[test]
    fn every_phase_has_a_box_and_every_arrow_joins_its_two_boxes() {
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
            let _ = node_rect(phase);
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
        let boxes: Vec<(Phase, Rect)> = NODES.iter().map(|n| (n.0, node_rect(n.0))).collect();
        for (i, (a, ra)) in boxes.iter().enumerate() {
            assert!(inside(*ra), "{a:?} is inside");
            for (b, rb) in &boxes[i + 1..] {
                assert!(!overlap(*ra, *rb), "{a:?} and {b:?} overlap");
            }
        }
        let labels: Vec<(&str, Rect)> = EDGES
            .iter()
            .filter(|e| !e.label.is_empty())
            .map(|e| (e.label, label_rect(e)))
            .collect();
        for (i, (a, ra)) in labels.iter().enumerate() {
            assert!(inside(*ra), "label {a:?} is inside");
            for (phase, rb) in &boxes {
                assert!(
                    !overlap(*ra, *rb),
                    "label {a:?} covers the box of {phase:?}"
                );
            }
            for (b, rb) in &labels[i + 1..] {
                assert!(!overlap(*ra, *rb), "labels {a:?} and {b:?} overlap");
            }
        }
    }
}
