//! Server-rendered SVG charts for the outcomes dashboard: bars per year, a step curve, and a
//! network of points and links. Each is titled for screen readers, which read the data table
//! placed beside it instead.

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 42.0;
pub const COLOURS: [&str; 4] = ["#1f5f8b", "#a1261b", "#1e6b3a", "#7a4b00"];

/// Text made safe inside SVG markup.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn open(id: &str, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}\" class=\"chart\"><title id=\"{id}\">{}</title>",
        escape(title)
    )
}

/// A round top for the y axis: 1, 2, 5 or 10 times a power of ten.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|top| *top >= max).unwrap_or(10.0 * power)
}

fn y_axis(svg: &mut String, top: f64, percent: bool) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    for tick in [0.0, 0.5, 1.0] {
        let y = TOP + plot_h * (1.0 - tick);
        let value = tick * top;
        let text = if percent { format!("{}%", (value * 100.0).round()) } else { format!("{value}") };
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d9d6cf\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#525a6b\">{text}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        ));
    }
}

fn legend(svg: &mut String, series: &[&str]) {
    for (k, name) in series.iter().enumerate() {
        let x = LEFT + 4.0 + 170.0 * k as f64;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#2b2f38\">{}</text>",
            HEIGHT - 12.0,
            COLOURS[k % COLOURS.len()],
            x + 14.0,
            HEIGHT - 3.0,
            escape(name)
        ));
    }
}

/// Bars per label (a year), one bar per series side by side.
pub fn grouped_bars(id: &str, title: &str, labels: &[String], series: &[&str], values: &[Vec<usize>]) -> String {
    let mut svg = open(id, title);
    let max = values.iter().flatten().copied().max().unwrap_or(0) as f64;
    let top = nice_top(max);
    y_axis(&mut svg, top, false);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / labels.len().max(1) as f64;
    let bar = (slot * 0.8) / series.len().max(1) as f64;
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.1;
        for (k, value) in values.get(i).into_iter().flatten().enumerate() {
            let h = plot_h * (*value as f64) / top;
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}: {} {value}</title></rect>",
                x0 + bar * k as f64,
                TOP + plot_h - h,
                bar.max(1.0),
                COLOURS[k % COLOURS.len()],
                escape(label),
                escape(series.get(k).copied().unwrap_or(""))
            ));
        }
        if labels.len() <= 12 || i % 2 == 0 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#525a6b\">{}</text>",
                x0 + slot * 0.4,
                HEIGHT - 22.0,
                escape(label)
            ));
        }
    }
    legend(&mut svg, series);
    svg.push_str("</svg>");
    svg
}

/// A curve that rises in steps from 0 at time 0: (time, share) points, the share from 0 to 1.
pub fn step_curve(id: &str, title: &str, x_label: &str, points: &[(f64, f64)]) -> String {
    let mut svg = open(id, title);
    y_axis(&mut svg, 1.0, true);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_max = nice_top(points.iter().map(|(t, _)| *t).fold(0.0, f64::max));
    let x = |t: f64| LEFT + plot_w * t / x_max;
    let y = |share: f64| TOP + plot_h * (1.0 - share);
    let mut path = format!("M{:.1},{:.1}", x(0.0), y(0.0));
    for (t, share) in points {
        path.push_str(&format!(" H{:.1} V{:.1}", x(*t), y(*share)));
    }
    path.push_str(&format!(" H{:.1}", x(x_max)));
    svg.push_str(&format!("<path d=\"{path}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", COLOURS[0]));
    for tick in 0..=4 {
        let t = x_max * f64::from(tick) / 4.0;
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#525a6b\">{t}</text>",
            x(t),
            HEIGHT - 22.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#2b2f38\">{}</text></svg>",
        LEFT + plot_w / 2.0,
        HEIGHT - 4.0,
        escape(x_label)
    ));
    svg
}

/// Points on a circle joined by links, each link as thick as the works it stands for.
/// `points` are labels (names or "Scholar 3"); `links` are (a, b, works) by index.
pub fn network(id: &str, title: &str, points: &[String], links: &[(usize, usize, usize)]) -> String {
    const SIZE: f64 = 420.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\" aria-labelledby=\"{id}\" \
         class=\"chart network\"><title id=\"{id}\">{}</title>",
        escape(title)
    );
    let centre = SIZE / 2.0;
    let radius = SIZE / 2.0 - 70.0;
    let at = |i: usize| {
        let angle = std::f64::consts::TAU * i as f64 / points.len().max(1) as f64 - std::f64::consts::FRAC_PI_2;
        (centre + radius * angle.cos(), centre + radius * angle.sin())
    };
    for (a, b, works) in links {
        let ((x1, y1), (x2, y2)) = (at(*a), at(*b));
        svg.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{}\" stroke-width=\"{}\" \
             stroke-opacity=\"0.7\"/>",
            COLOURS[0],
            (*works).min(6)
        ));
    }
    for (i, label) in points.iter().enumerate() {
        let (x, y) = at(i);
        let anchor = if x < centre - 1.0 {
            "end"
        } else if x > centre + 1.0 {
            "start"
        } else {
            "middle"
        };
        let dx = if anchor == "end" {
            -8.0
        } else if anchor == "start" {
            8.0
        } else {
            0.0
        };
        svg.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" \
             text-anchor=\"{anchor}\" fill=\"#2b2f38\">{}</text>",
            COLOURS[1],
            x + dx,
            y + 4.0,
            escape(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_tall_as_their_values_on_a_round_scale() {
        let svg = grouped_bars(
            "t",
            "Papers <and> grants",
            &["2024".into(), "2025".into()],
            &["Papers", "Grants"],
            &[vec![4, 1], vec![8, 0]],
        );
        assert!(svg.contains("<title id=\"t\">Papers &lt;and&gt; grants</title>"));
        assert_eq!(svg.matches("<rect").count(), 4 + 2, "four bars and two legend keys");
        // 8 on a scale to 10: 80% of the 206-pixel plot.
        assert!(svg.contains("height=\"164.8\""), "{svg}");
    }

    #[test]
    fn a_step_curve_rises_at_each_point_and_runs_on_to_the_end_of_the_axis() {
        let svg = step_curve("k", "Converted", "Years", &[(1.0, 0.25), (3.0, 0.5)]);
        assert!(svg.contains("M44.0,218.0 H160.0 V166.5 H392.0 V115.0 H624.0"), "{svg}");
    }

    #[test]
    fn a_network_draws_each_point_and_link() {
        let svg = network("n", "Shared", &["A".into(), "B".into(), "C".into()], &[(0, 1, 2), (1, 2, 1)]);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<line").count(), 2);
        assert!(svg.contains("stroke-width=\"2\""));
    }
}
