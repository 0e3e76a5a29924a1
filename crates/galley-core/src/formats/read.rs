//! Reading foreign files with errors that name the file, the line and the column.

use serde::de::DeserializeOwned;

use super::ImportError;

/// Parses YAML into `T`; `first_line` is the file's line number of the text's first line (a
/// Prompty front matter starts on line 2).
pub(crate) fn yaml<T: DeserializeOwned>(
    file: &str,
    text: &str,
    first_line: usize,
) -> Result<T, ImportError> {
    use serde_saphyr::{MessageFormatter, UserMessageFormatter};
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let location = e.location().filter(|l| l.line() > 0);
        let message = UserMessageFormatter
            .format_message(e.without_snippet())
            .into_owned();
        let err = ImportError::new(file, message);
        match location {
            Some(l) => err.at(
                l.line() as usize + first_line - 1,
                Some(l.column() as usize),
            ),
            None => err,
        }
    })
}

/// Parses JSON into `T`.
pub(crate) fn json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C": the place is given apart.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let err = ImportError::new(file, message);
        if e.line() > 0 {
            err.at(e.line(), Some(e.column()))
        } else {
            err
        }
    })
}
