//! What a step's text holds besides prose: placeholders the console fills with what it knows
//! (`{tenant}`, `{execution_arn}` …), and commands — the lines indented four spaces, which the
//! walkthrough shows unwrapped and the copy key puts on the clipboard.
//!
//! `{{` and `}}` stand for literal braces (SQL or JSON that needs one). Any other brace is a
//! mistake the runbook parser reports at its `file:line:column`. A placeholder whose value the
//! console does not know is shown as `<name>`, never guessed.

use std::collections::BTreeMap;
use std::fmt;

/// A value the console can fill into a step's text, written `{name}` in a runbook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    Tenant,
    Schema,
    Cluster,
    ParameterGroup,
    Integration,
    Bucket,
    Prefix,
    ExportTask,
    Execution,
    ExecutionArn,
    Step,
    File,
    Table,
    Queue,
}

impl Placeholder {
    pub const ALL: [Placeholder; 14] = [
        Placeholder::Tenant,
        Placeholder::Schema,
        Placeholder::Cluster,
        Placeholder::ParameterGroup,
        Placeholder::Integration,
        Placeholder::Bucket,
        Placeholder::Prefix,
        Placeholder::ExportTask,
        Placeholder::Execution,
        Placeholder::ExecutionArn,
        Placeholder::Step,
        Placeholder::File,
        Placeholder::Table,
        Placeholder::Queue,
    ];

    /// The name written between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Tenant => "tenant",
            Placeholder::Schema => "schema",
            Placeholder::Cluster => "cluster",
            Placeholder::ParameterGroup => "parameter_group",
            Placeholder::Integration => "integration",
            Placeholder::Bucket => "bucket",
            Placeholder::Prefix => "prefix",
            Placeholder::ExportTask => "export_task",
            Placeholder::Execution => "execution",
            Placeholder::ExecutionArn => "execution_arn",
            Placeholder::Step => "step",
            Placeholder::File => "file",
            Placeholder::Table => "table",
            Placeholder::Queue => "queue",
        }
    }

    pub fn from_name(name: &str) -> Option<Placeholder> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The values the console knows for a walkthrough; a placeholder without one shows as `<name>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(BTreeMap<Placeholder, String>);

impl Values {
    pub fn get(&self, placeholder: Placeholder) -> Option<&str> {
        self.0.get(&placeholder).map(String::as_str)
    }

    /// Sets a value. An empty one is a value too (an export with no prefix has prefix "").
    pub fn set(&mut self, placeholder: Placeholder, value: impl Into<String>) {
        self.0.insert(placeholder, value.into());
    }

    /// Every placeholder with a value, in [`Placeholder::ALL`] order.
    pub fn known(&self) -> impl Iterator<Item = (Placeholder, &str)> {
        self.0.iter().map(|(p, v)| (*p, v.as_str()))
    }
}

/// A piece of a line of text once the placeholders are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    /// A placeholder and the value the console filled in.
    Filled(Placeholder, String),
    /// A placeholder the console has no value for: shown as `<name>`.
    Missing(Placeholder),
}

impl Piece {
    pub fn text(&self) -> String {
        match self {
            Piece::Literal(text) | Piece::Filled(_, text) => text.clone(),
            Piece::Missing(placeholder) => format!("<{placeholder}>"),
        }
    }
}

/// A mistake in a step's text: where in it (a byte offset), the offending token, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub token: String,
    pub message: String,
}

/// A placeholder or literal text, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Placeholder(Placeholder),
}

/// Splits `text` into literal text and placeholders, unescaping `{{` and `}}`.
fn tokens(text: &str) -> Result<Vec<Token>, TextError> {
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut rest = text.char_indices().peekable();
    while let Some((offset, c)) = rest.next() {
        match c {
            '{' if rest.peek().is_some_and(|(_, next)| *next == '{') => {
                rest.next();
                literal.push('{');
            }
            '}' if rest.peek().is_some_and(|(_, next)| *next == '}') => {
                rest.next();
                literal.push('}');
            }
            '{' => {
                let after = &text[offset + 1..];
                let name_len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                if name_len == 0 || !after[name_len..].starts_with('}') {
                    return Err(TextError {
                        offset,
                        token: "{".into(),
                        message: "a lone \"{\" in the text: write {{ for a literal brace, or \
                                  {name} for a placeholder"
                            .into(),
                    });
                }
                let name = &after[..name_len];
                let Some(placeholder) = Placeholder::from_name(name) else {
                    return Err(TextError {
                        offset,
                        token: format!("{{{name}}}"),
                        message: format!(
                            "unknown placeholder {{{name}}}; the placeholders are {}; write {{{{ \
                             and }}}} for literal braces",
                            Placeholder::ALL.map(|p| format!("{{{p}}}")).join(", ")
                        ),
                    });
                };
                if !literal.is_empty() {
                    tokens.push(Token::Literal(std::mem::take(&mut literal)));
                }
                tokens.push(Token::Placeholder(placeholder));
                // Skip the name and the closing brace.
                for _ in 0..=name.chars().count() {
                    rest.next();
                }
            }
            '}' => {
                return Err(TextError {
                    offset,
                    token: "}".into(),
                    message: "a lone \"}\" in the text: write }} for a literal brace".into(),
                });
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        tokens.push(Token::Literal(literal));
    }
    Ok(tokens)
}

/// Whether `text` is valid step text: every brace escaped or part of a known placeholder.
pub fn check(text: &str) -> Result<(), TextError> {
    tokens(text).map(|_| ())
}

/// The placeholders `text` uses, in order of first use.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for token in tokens(text).unwrap_or_default() {
        if let Token::Placeholder(p) = token
            && !found.contains(&p)
        {
            found.push(p);
        }
    }
    found
}

/// One line of text (no newline in it) as pieces, the placeholders looked up in `values`. Text
/// that does not parse (it cannot, once loaded: the parser checked it) is shown as written.
pub fn pieces(line: &str, values: &Values) -> Vec<Piece> {
    let Ok(tokens) = tokens(line) else {
        return vec![Piece::Literal(line.to_owned())];
    };
    tokens
        .into_iter()
        .map(|token| match token {
            Token::Literal(text) => Piece::Literal(text),
            Token::Placeholder(p) => match values.get(p) {
                Some(value) => Piece::Filled(p, value.to_owned()),
                None => Piece::Missing(p),
            },
        })
        .collect()
}

/// `text` with its placeholders filled from `values`; unknown ones read `<name>`.
pub fn fill(text: &str, values: &Values) -> String {
    text.split('\n')
        .map(|line| pieces(line, values).iter().map(Piece::text).collect())
        .collect::<Vec<String>>()
        .join("\n")
}

/// How commands are set apart in a step's text: indented by this many spaces (as in Markdown).
pub const COMMAND_INDENT: &str = "    ";

/// Whether a line of step text is a command (or part of one).
pub fn is_command(line: &str) -> bool {
    line.starts_with(COMMAND_INDENT) && !line.trim().is_empty()
}

/// The commands of a (filled) step text: each run of consecutive command lines, unindented by
/// four spaces, as one command. No trailing newline: pasted into a shell, nothing runs before
/// the engineer presses Enter.
pub fn commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if is_command(line) {
            current.push(&line[COMMAND_INDENT.len()..]);
        } else if !current.is_empty() {
            commands.push(current.join("\n"));
            current.clear();
        }
    }
    if !current.is_empty() {
        commands.push(current.join("\n"));
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(Placeholder, &str)]) -> Values {
        let mut values = Values::default();
        for (p, v) in pairs {
            values.set(*p, *v);
        }
        values
    }

    #[test]
    fn known_values_are_filled_and_unknown_ones_show_their_name() {
        let known = values(&[
            (Placeholder::Tenant, "tenant_b"),
            (Placeholder::Bucket, "exports-b"),
        ]);
        assert_eq!(
            fill("aws s3 ls s3://{bucket}/{prefix} for {tenant}", &known),
            "aws s3 ls s3://exports-b/<prefix> for tenant_b"
        );
        assert_eq!(
            fill("{tenant}", &Values::default()),
            "<tenant>",
            "no value is never a guessed one"
        );
    }

    #[test]
    fn an_empty_value_is_a_value() {
        let empty = values(&[(Placeholder::Bucket, "b"), (Placeholder::Prefix, "")]);
        assert_eq!(fill("s3://{bucket}/{prefix}", &empty), "s3://b/");
    }

    #[test]
    fn doubled_braces_are_literal_braces() {
        let known = values(&[(Placeholder::Schema, "tenant_a")]);
        assert_eq!(
            fill(
                "SELECT json_parse('{{\"a\": 1}}') FROM {schema}.t; {{tenant}}",
                &known
            ),
            "SELECT json_parse('{\"a\": 1}') FROM tenant_a.t; {tenant}"
        );
        assert_eq!(check("{{{tenant}}}"), Ok(()));
        assert_eq!(fill("{{{tenant}}}", &Values::default()), "{<tenant>}");
    }

    #[test]
    fn unknown_placeholders_and_lone_braces_are_errors_at_their_offset() {
        let error = check("run {foo} now").unwrap_err();
        assert_eq!(error.offset, 4);
        assert_eq!(error.token, "{foo}");
        assert!(
            error
                .message
                .starts_with("unknown placeholder {foo}; the placeholders are {tenant}, {schema},"),
            "{}",
            error.message
        );
        assert!(
            error
                .message
                .ends_with("write {{ and }} for literal braces")
        );

        let lone = check("a { b").unwrap_err();
        assert_eq!((lone.offset, lone.token.as_str()), (2, "{"));
        assert!(lone.message.starts_with("a lone \"{\""), "{}", lone.message);
        assert_eq!(check("{}").unwrap_err().token, "{");
        assert_eq!(check("{tenant").unwrap_err().token, "{");
        assert_eq!(check("{ tenant }").unwrap_err().token, "{");
        let closing = check("x } y").unwrap_err();
        assert_eq!((closing.offset, closing.token.as_str()), (2, "}"));
        // Offsets are bytes, also after multi-byte characters.
        assert_eq!(check("テナント {x}").unwrap_err().offset, "テナント ".len());
    }

    #[test]
    fn every_placeholder_is_found_by_its_name() {
        for p in Placeholder::ALL {
            assert_eq!(Placeholder::from_name(p.name()), Some(p));
            assert_eq!(check(&format!("{{{p}}}")), Ok(()));
        }
        assert_eq!(Placeholder::from_name("Tenant"), None);
    }

    #[test]
    fn pieces_tell_filled_from_missing() {
        let known = values(&[(Placeholder::Tenant, "tenant_b")]);
        assert_eq!(
            pieces("{tenant}.{schema}!", &known),
            [
                Piece::Filled(Placeholder::Tenant, "tenant_b".into()),
                Piece::Literal(".".into()),
                Piece::Missing(Placeholder::Schema),
                Piece::Literal("!".into()),
            ]
        );
        assert_eq!(
            placeholders("{schema}.{table} {schema}"),
            [Placeholder::Schema, Placeholder::Table]
        );
    }

    #[test]
    fn commands_are_the_indented_runs_unindented() {
        let text = "Look first:\n\n    SELECT a,\n           b\n    FROM t;\n\nThen:\n\n    \
                    aws s3 ls\nDone.\n    \n";
        assert_eq!(
            commands(text),
            ["SELECT a,\n       b\nFROM t;", "aws s3 ls"],
            "blank lines end a command; nothing ends in a newline"
        );
        assert!(commands("Prose only.\n  two spaces is not a command").is_empty());
        assert!(is_command("    x"));
        assert!(!is_command("    "));
    }
}
