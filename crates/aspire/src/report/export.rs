//! Report tables as files: CSV (formula-safe, one table a file) and XLSX (every table a sheet).
//! Each says which program, which window and when it was extracted.

use crate::domain::spreadsheet::SafeCsv;

/// A table as exported: a sheet name, headings and rows of text.
pub struct Table {
    /// A short name for the file and sheet, like `table8`.
    pub key: &'static str,
    pub title: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What every file says about itself: the program, the window and the day of extraction.
pub struct About<'a> {
    pub program: &'a str,
    pub window: &'a str,
    pub extracted: &'a str,
}

impl About<'_> {
    fn cells(&self) -> [&str; 6] {
        ["program", self.program, "window", self.window, "extracted", self.extracted]
    }
}

/// One table as CSV: a first row saying what the file is (padded to the table's width, as
/// spreadsheets expect), the headings, then the rows. Cells that a spreadsheet would run as a
/// formula are neutralised.
pub fn csv(table: &Table, about: &About) -> Result<Vec<u8>, String> {
    let width = table.headers.len().max(6);
    let pad = |cells: Vec<String>| {
        let mut cells = cells;
        cells.resize(width, String::new());
        cells
    };
    let mut out = SafeCsv::new(Vec::new());
    let write_error = |e: csv::Error| e.to_string();
    out.row(pad(about.cells().iter().map(|c| c.to_string()).collect())).map_err(write_error)?;
    out.row(pad(table.headers.clone())).map_err(write_error)?;
    for row in &table.rows {
        out.row(pad(row.clone())).map_err(write_error)?;
    }
    out.finish()
}

/// Every table in one workbook: an "About" sheet, then a sheet per table with the same first
/// row as the CSV. Every cell is a string cell, which Excel never runs as a formula.
pub fn xlsx(tables: &[Table], about: &About) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let bold = Format::new().set_bold();
    let wrapped = Format::new().set_text_wrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("About").map_err(error)?;
    for (row, (label, value)) in about.cells().chunks(2).map(|pair| (pair[0], pair[1])).enumerate() {
        let row = u32::try_from(row).map_err(|e| e.to_string())?;
        sheet.write_string_with_format(row, 0, label, &bold).map_err(error)?;
        sheet.write_string(row, 1, value).map_err(error)?;
    }
    for (i, table) in tables.iter().enumerate() {
        let row = u32::try_from(4 + i).map_err(|e| e.to_string())?;
        sheet.write_string(row, 0, table.key).map_err(error)?;
        sheet.write_string(row, 1, table.title).map_err(error)?;
    }
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.key).map_err(error)?;
        for (col, cell) in about.cells().iter().enumerate() {
            sheet.write_string(0, col_index(col)?, *cell).map_err(error)?;
        }
        for (col, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(1, col_index(col)?, header, &bold).map_err(error)?;
            sheet.set_column_width(col_index(col)?, 24).map_err(error)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 2).map_err(|e| e.to_string())?;
            for (col, cell) in row.iter().enumerate() {
                sheet.write_string_with_format(r, col_index(col)?, cell, &wrapped).map_err(error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(error)
}

fn col_index(col: usize) -> Result<u16, String> {
    u16::try_from(col).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            key: "table5",
            title: "Publications",
            headers: vec!["Scholar".into(), "Publications".into()],
            rows: vec![vec!["Ana".into(), "=HYPERLINK(\"x\")".into()]],
        }
    }

    #[test]
    fn a_csv_says_what_it_is_and_runs_no_formula() {
        let about = About { program: "KL2", window: "15 years", extracted: "2026-12-05" };
        let text = String::from_utf8(csv(&table(), &about).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "program,KL2,window,15 years,extracted,2026-12-05");
        assert_eq!(lines[1], "Scholar,Publications,,,,");
        assert!(lines[2].starts_with("Ana,\"'=HYPERLINK"), "{}", lines[2]);
    }

    #[test]
    fn a_workbook_is_a_zip_with_a_sheet_per_table() {
        let about = About { program: "KL2", window: "15 years", extracted: "2026-12-05" };
        let bytes = xlsx(&[table()], &about).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip archive");
    }
}
