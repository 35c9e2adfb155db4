//! Engagement over time: per cohort and month, meetings held, attendance, goals declared and the
//! share met. Counts only: no goal's text, no person, ever enters this report.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// UTC calendar months as (label "2026-03", first instant, first instant of the next month),
/// the `count` months that end with the one holding `now`.
pub fn months_ending_at(now: i64, count: usize) -> Vec<(String, i64, i64)> {
    let today =
        jiff::Timestamp::from_second(now).map_or(Date::constant(1970, 1, 1), |t| t.to_zoned(TimeZone::UTC).date());
    let mut first = today.first_of_month();
    let mut months = Vec::with_capacity(count);
    for _ in 0..count {
        let next = first.checked_add(jiff::Span::new().months(1)).unwrap_or(first);
        let at = |d: Date| d.to_zoned(TimeZone::UTC).map_or(0, |z| z.timestamp().as_second());
        months.push((first.strftime("%Y-%m").to_string(), at(first), at(next)));
        match first.checked_sub(jiff::Span::new().months(1)) {
            Ok(previous) => first = previous,
            Err(_) => break,
        }
    }
    months.reverse();
    months
}

/// What one cohort did in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthCounts {
    /// Distinct meetings (group and start) with attendance taken or goals declared.
    pub meetings: i64,
    pub present: i64,
    pub attendance_records: i64,
    pub declared: i64,
    pub reported: i64,
    pub met: i64,
    pub partly: i64,
}

impl MonthCounts {
    /// "83%", or "–" when no attendance was taken.
    pub fn attendance_rate(&self) -> String {
        percent(self.present, self.attendance_records)
    }

    /// Goals met of those reported, partly met counting half.
    pub fn met_share(&self) -> String {
        met_share(self.met, self.partly, self.reported)
    }

    pub fn is_empty(&self) -> bool {
        *self == MonthCounts::default()
    }
}

/// `part` of `whole` as a rounded percentage, or "–" when there is nothing to count.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 { "–".to_string() } else { format!("{}%", (part * 100 + whole / 2) / whole) }
}

/// Goals met of those reported, partly met counting half, as on each member's own page.
pub fn met_share(met: i64, partly: i64, reported: i64) -> String {
    if reported == 0 {
        "–".to_string()
    } else {
        format!("{}%", (met * 200 + partly * 100 + reported) / (reported * 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_whole_utc_months_ending_with_the_current_one() {
        // 2026-03-15T12:00:00Z
        let months = months_ending_at(1_773_576_000, 3);
        let labels: Vec<&str> = months.iter().map(|(l, ..)| l.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(months[1].1, 1_769_904_000, "2026-02-01T00:00:00Z");
        assert_eq!(months[1].2, months[2].1, "each month ends where the next begins");
    }

    #[test]
    fn rates_round_and_say_when_there_is_nothing_to_count() {
        let counts =
            MonthCounts { present: 5, attendance_records: 6, reported: 4, met: 2, partly: 1, ..Default::default() };
        assert_eq!(counts.attendance_rate(), "83%");
        assert_eq!(counts.met_share(), "63%");
        assert_eq!(MonthCounts::default().attendance_rate(), "–");
        assert!(MonthCounts::default().is_empty());
    }
}

/// A line chart of monthly attendance rates, one line per cohort, as an SVG document to place in
/// a page beside the table it draws (which screen readers read instead). Months without
/// attendance taken leave a gap.
pub fn attendance_chart(months: &[String], cohorts: &[(String, Vec<MonthCounts>)]) -> String {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 260.0;
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 32.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 42.0;
    const COLOURS: [&str; 6] = ["#1f5f8b", "#a1261b", "#1e6b3a", "#7a4b00", "#5b3a8c", "#00666b"];
    use super::chart::escape;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x =
        |i: usize| LEFT + if months.len() > 1 { plot_w * i as f64 / (months.len() - 1) as f64 } else { plot_w / 2.0 };
    let y = |rate: f64| TOP + plot_h * (1.0 - rate);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"attendance-chart-title\" class=\"chart\"><title id=\"attendance-chart-title\">Attendance \
         rate by month and cohort (the tables below give the same figures)</title>"
    );
    for tick in [0.0, 0.5, 1.0] {
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#d9d6cf\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#525a6b\">{}%</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(tick) + 4.0,
            (tick * 100.0) as i64,
            y0 = y(tick)
        ));
    }
    for (i, month) in months.iter().enumerate().filter(|(i, _)| i % 3 == 0 || *i + 1 == months.len()) {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#525a6b\">{}</text>",
            x(i),
            HEIGHT - 22.0,
            escape(month)
        ));
    }
    for (k, (name, counts)) in cohorts.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        // A run of months with attendance taken is one line; a month without breaks it.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, c) in counts.iter().enumerate() {
            if c.attendance_records > 0 {
                let rate = c.present as f64 / c.attendance_records as f64;
                if let Some(run) = runs.last_mut() {
                    run.push((x(i), y(rate)));
                }
            } else if runs.last().is_some_and(|run| !run.is_empty()) {
                runs.push(Vec::new());
            }
        }
        svg.push_str(&format!("<g><title>{}</title>", escape(name)));
        for run in runs.iter().filter(|run| !run.is_empty()) {
            let points: Vec<String> = run.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
            svg.push_str(&format!(
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                points.join(" ")
            ));
            for (px, py) in run {
                svg.push_str(&format!("<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3\" fill=\"{colour}\"/>"));
            }
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{colour}\">{}</text></g>",
            LEFT + 4.0 + 150.0 * (k % 4) as f64,
            HEIGHT - 2.0,
            escape(name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod chart_tests {
    use super::*;

    #[test]
    fn each_cohort_is_a_line_broken_where_no_attendance_was_taken() {
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03", "2026-04"].map(String::from).to_vec();
        let taken = |present, records| MonthCounts { present, attendance_records: records, ..MonthCounts::default() };
        let cohorts = vec![
            ("2026 <cohort>".to_string(), vec![taken(4, 5), taken(5, 5), MonthCounts::default(), taken(3, 6)]),
            ("Other".to_string(), vec![MonthCounts::default(), taken(2, 2), taken(1, 2), MonthCounts::default()]),
        ];
        let svg = attendance_chart(&months, &cohorts);
        assert_eq!(svg.matches("<polyline").count(), 3, "two runs for the first cohort, one for the other: {svg}");
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains("2026 &lt;cohort&gt;") && !svg.contains("<cohort>"), "names are escaped");
        // 100% is drawn at the top of the plot, 50% half way down.
        assert!(svg.contains("<circle cx=\"232.0\" cy=\"12.0\""), "{svg}");
    }
}
