//! CSV datasets: a header row, then one case per row (columns: see the module docs).

use csv::{ReaderBuilder, Terminator, WriterBuilder};

use super::content::{
    check_variable_name, clean_tags, non_empty, reserved_column, Case, DatasetContent,
    ModelResponse, TAG_SEPARATORS,
};
use super::problems::{Imported, Problems};
use super::ImportError;

/// The prefix of a column holding one model's responses: `response:<model>`.
pub const RESPONSE_PREFIX: &str = "response:";

#[derive(Debug, Clone, PartialEq)]
enum Column {
    Variable(String),
    Reference,
    Category,
    Tags,
    Response(String),
}

pub(crate) fn import(text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Problems::default();
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = loop {
        match records.next() {
            None => {
                problems.push(
                    1,
                    None,
                    "the file is empty: a CSV dataset starts with a header row of variable names",
                );
                return Err(problems.finish(()).unwrap_err());
            }
            Some(Ok(r)) if is_blank(&r) => continue,
            Some(Ok(r)) => break r,
            Some(Err(e)) => {
                problems.push(error_line(&e), None, e.to_string());
                return Err(problems.finish(()).unwrap_err());
            }
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let columns = read_header(&header, header_line, &mut problems);

    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(error_line(&e), None, e.to_string());
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if is_blank(&record) {
            skipped.push(line);
            continue;
        }
        if record.len() != header.len() {
            problems.push(
                line,
                None,
                format!(
                    "{} fields, but the header has {}: quote fields that contain commas or line \
                     breaks",
                    record.len(),
                    header.len()
                ),
            );
            continue;
        }
        cases.push(read_row(&columns, &record));
    }

    let mut warnings = Vec::new();
    if !skipped.is_empty() {
        let shown: Vec<String> = skipped.iter().take(5).map(u64::to_string).collect();
        warnings.push(format!(
            "skipped {} empty row{} (line{} {}{})",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            if skipped.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if skipped.len() > 5 { ", ..." } else { "" },
        ));
    }
    let variables = columns
        .iter()
        .filter_map(|c| match c {
            Column::Variable(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    problems.finish(Imported {
        content: DatasetContent { variables, cases },
        warnings,
    })
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

fn error_line(e: &csv::Error) -> u64 {
    e.position().map_or(0, |p| p.line())
}

/// The columns of the header; each bad or repeated header is a problem on the header line.
fn read_header(header: &csv::StringRecord, line: u64, problems: &mut Problems) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim();
        let column = if name.is_empty() {
            problems.push(
                line,
                None,
                format!("column {} has no name: name every column", i + 1),
            );
            None
        } else if let Some((_, field)) = reserved_column(name) {
            Some(match field {
                "reference" => Column::Reference,
                "category" => Column::Category,
                _ => Column::Tags,
            })
        } else if starts_with_ignore_case(name, RESPONSE_PREFIX) {
            let model = name[RESPONSE_PREFIX.len()..].trim();
            if model.is_empty() {
                problems.push(
                    line,
                    Some(name),
                    format!(
                        "a `{RESPONSE_PREFIX}` column needs a model: `{RESPONSE_PREFIX}<model id>`"
                    ),
                );
                None
            } else {
                Some(Column::Response(model.to_string()))
            }
        } else if let Err(e) = check_variable_name(name) {
            problems.push(line, Some(name), e);
            None
        } else {
            Some(Column::Variable(name.to_string()))
        };
        if let Some(column) = &column {
            if let Some(j) = columns.iter().position(|c| c == column) {
                let message = if names[j] == name {
                    format!("column `{name}` appears twice")
                } else {
                    format!("columns `{}` and `{name}` give the same field", names[j])
                };
                problems.push(line, Some(name), message);
            }
        }
        // Keep positions aligned with the header: a bad column still takes its place.
        columns.push(column.unwrap_or(Column::Variable(String::new())));
        names.push(name);
    }
    columns
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn read_row(columns: &[Column], record: &csv::StringRecord) -> Case {
    let mut case = Case::default();
    for (column, cell) in columns.iter().zip(record.iter()) {
        match column {
            Column::Variable(name) => {
                case.values.insert(name.clone(), cell.to_string());
            }
            Column::Reference => case.reference = non_empty(cell.to_string()),
            Column::Category => case.category = non_empty(cell.to_string()),
            Column::Tags => case.tags = clean_tags(cell.split(TAG_SEPARATORS)),
            Column::Response(model) => {
                if !cell.is_empty() {
                    case.responses.push(ModelResponse {
                        model: model.clone(),
                        response: cell.to_string(),
                    });
                }
            }
        }
    }
    case
}

/// Columns: the variables in order, `reference`, `category`, `tags` (joined with `;`), then
/// `response:<model>` for each model with responses. A missing value is an empty cell.
pub(crate) fn export(content: &DatasetContent) -> String {
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let models = content.models();
    let mut header: Vec<String> = content.variables.clone();
    header.extend(["reference", "category", "tags"].map(str::to_string));
    header.extend(models.iter().map(|m| format!("{RESPONSE_PREFIX}{m}")));
    writer.write_record(&header).expect("writing to memory");
    for case in &content.cases {
        let mut row: Vec<&str> = content
            .variables
            .iter()
            .map(|v| case.values.get(v).map_or("", String::as_str))
            .collect();
        let tags = case.tags.join(";");
        row.push(case.reference.as_deref().unwrap_or(""));
        row.push(case.category.as_deref().unwrap_or(""));
        row.push(&tags);
        for m in &models {
            let response = case.responses.iter().find(|r| &r.model == m);
            row.push(response.map_or("", |r| r.response.as_str()));
        }
        writer.write_record(&row).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("written from strings")
}
