//! The session's state machine as a small SVG diagram (the phases of
//! `protocol::session::Phase`), with the current phase highlighted, so a learner sees
//! where the conversation is and which commands lead on.

use protocol::lang::Lang;
use protocol::session::Phase;
use yew::prelude::*;

/// A box of the diagram: the phase, its label, and its top-left corner.
const NODES: [(Phase, &str, i32, i32); 9] = [
    (Phase::Greeting, "220?", 4, 24),
    (Phase::Hello, "HELO", 74, 24),
    (Phase::Ready, "SMTP", 144, 24),
    (Phase::Mail, "MAIL", 214, 24),
    (Phase::Rcpt, "RCPT", 284, 24),
    (Phase::Data, "DATA", 354, 24),
    (Phase::TlsHandshake, "TLS", 74, 84),
    (Phase::AuthChallenge, "AUTH", 144, 84),
    (Phase::Closed, "QUIT", 354, 84),
];

/// The arrows: from, to, and the label on the arrow.
const EDGES: [(Phase, Phase, &str); 11] = [
    (Phase::Greeting, Phase::Hello, "220"),
    (Phase::Hello, Phase::Ready, "EHLO"),
    (Phase::Ready, Phase::Mail, "MAIL"),
    (Phase::Mail, Phase::Rcpt, "RCPT"),
    (Phase::Rcpt, Phase::Data, "354"),
    (Phase::Data, Phase::Ready, "."),
    (Phase::Ready, Phase::TlsHandshake, "STARTTLS"),
    (Phase::TlsHandshake, Phase::Hello, ""),
    (Phase::Ready, Phase::AuthChallenge, "334"),
    (Phase::AuthChallenge, Phase::Ready, "235"),
    (Phase::Rcpt, Phase::Closed, "QUIT"),
];

const W: i32 = 56;
const H: i32 = 26;

fn node(phase: Phase) -> Option<(i32, i32)> {
    NODES
        .iter()
        .find(|(p, ..)| *p == phase)
        .map(|(_, _, x, y)| (*x, *y))
}

/// The SVG path of the arrow between two boxes and where its label goes: straight from
/// side to side on a row, over the top when going back on a row (DATA → SMTP), straight
/// from bottom to top between rows.
fn edge(from: Phase, to: Phase) -> Option<(String, i32, i32)> {
    let (fx, fy) = node(from)?;
    let (tx, ty) = node(to)?;
    Some(if fy == ty && tx > fx {
        let y = fy + H / 2;
        (
            format!("M{},{y} L{tx},{y}", fx + W),
            (fx + W + tx) / 2 - 8,
            y - 4,
        )
    } else if fy == ty {
        let (x1, x2) = (fx + W / 2, tx + W / 2 + 8);
        (
            format!("M{x1},{fy} C{x1},{} {x2},{} {x2},{ty}", fy - 22, ty - 22),
            (x1 + x2) / 2,
            fy - 14,
        )
    } else {
        // Down on the left of the box's middle, back up on the right.
        let shift = if fy < ty { -8 } else { 8 };
        let (x1, x2) = (fx + W / 2 + shift, tx + W / 2 + shift);
        let (y1, y2) = if fy < ty { (fy + H, ty) } else { (fy, ty + H) };
        (
            format!("M{x1},{y1} L{x2},{y2}"),
            x1.max(x2) + 3,
            (y1 + y2) / 2 + 3,
        )
    })
}

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
    let title = match props.lang {
        Lang::En => "Where the session is",
        Lang::ZhCn => "会话所处的状态",
    };
    html! {
        <details id="state-diagram" class="panel diagram" open=true>
            <summary><h2>{ title }</h2></summary>
            <svg viewBox="0 0 420 118" role="img" aria-label={title}>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M0,0 L8,4 L0,8 z" class="arrowhead" />
                    </marker>
                </defs>
                { for EDGES.iter().filter_map(|(from, to, label)| {
                    let (path, x, y) = edge(*from, *to)?;
                    Some(html! {
                        <g class="edge">
                            <path d={path} marker-end="url(#arrowhead)" />
                            <text x={x.to_string()} y={y.to_string()}>{ *label }</text>
                        </g>
                    })
                }) }
                { for NODES.iter().map(|(phase, label, x, y)| {
                    let current = props.phase == Some(*phase);
                    html! {
                        <g class={classes!("node", current.then_some("current"))} data-phase={*label}>
                            <rect x={x.to_string()} y={y.to_string()} width={W.to_string()} height={H.to_string()} rx="5" />
                            <text x={(x + W / 2).to_string()} y={(y + H / 2 + 4).to_string()} text-anchor="middle">{ *label }</text>
                        </g>
                    }
                }) }
            </svg>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_has_a_box_and_every_arrow_two_ends() {
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
            assert!(node(phase).is_some(), "{phase:?}");
        }
        for (from, to, _) in EDGES {
            let (path, x, y) = edge(from, to).expect("both ends exist");
            assert!(path.starts_with('M'), "{path}");
            assert!(
                (0..420).contains(&x) && (0..118).contains(&y),
                "{from:?} → {to:?}"
            );
        }
        // Boxes do not overlap.
        for (i, a) in NODES.iter().enumerate() {
            for b in &NODES[i + 1..] {
                let apart = (a.2 - b.2).abs() >= W || (a.3 - b.3).abs() >= H;
                assert!(apart, "{:?} and {:?} overlap", a.0, b.0);
            }
        }
    }
}
