//! Every CSV aspire writes goes through [`SafeCsv`]: a spreadsheet opening the file never runs
//! a cell as a formula. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! is prefixed with `'`, as OWASP advises for CSV injection (a plain number excepted).

use std::io::Write;

/// A CSV writer whose cells cannot become formulas.
pub struct SafeCsv<W: Write> {
    writer: csv::Writer<W>,
}

/// A cell as a spreadsheet will show it, never run it. A plain number ("-1.50") is left as it
/// is: it cannot be a formula.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl<W: Write> SafeCsv<W> {
    pub fn new(out: W) -> SafeCsv<W> {
        SafeCsv { writer: csv::Writer::from_writer(out) }
    }

    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.writer.write_record(cells.into_iter().map(|c| neutralised(c.as_ref()).into_owned()))
    }

    pub fn finish(self) -> Result<W, String> {
        self.writer.into_inner().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_as_text_and_other_cells_untouched() {
        let mut out = SafeCsv::new(Vec::new());
        out.row([
            "=HYPERLINK(\"https://evil.example\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\ry",
            "plain",
            "-1.50",
            "",
        ])
        .unwrap();
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"https://evil.example\"\")\",'+1+1,'-2+3,'@SUM(A1),'\tx,\"'\ry\",plain,-1.50,\n"
        );
    }
}
