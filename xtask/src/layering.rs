//! Backend crates only store: none holds a `tracing::instrument` attribute or types an
//! operation's name (spans, error context and metrics come from the core's layer). Calling
//! the core's validation is already impossible: it is private to store-core.

use std::fs;
use std::path::Path;

use store_core::Operation;

use crate::backend::Backend;
use crate::command::{Result, workspace_root};

pub fn check() -> Result {
    let root = workspace_root();
    let mut problems = Vec::new();
    for backend in Backend::ALL {
        let source = root.join(backend.crate_name()).join("src");
        let mut files = Vec::new();
        rust_files(&source, &mut files)?;
        for file in files {
            let text = fs::read_to_string(&file).map_err(|err| format!("{}: {err}", file.display()))?;
            problems
                .extend(layering_problems(&text).into_iter().map(|problem| format!("{}: {problem}", file.display())));
        }
    }
    if problems.is_empty() {
        println!("layering: backend crates hold no tracing::instrument and no operation name");
        Ok(())
    } else {
        Err(format!("backend crates must only store:\n  {}", problems.join("\n  ")))
    }
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) -> Result {
    for entry in fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))? {
        let path = entry.map_err(|err| err.to_string())?.path();
        if path.is_dir() {
            rust_files(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

fn layering_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if text.contains("tracing::instrument") {
        problems.push("has a tracing::instrument attribute".to_owned());
    }
    for operation in Operation::ALL {
        if text.contains(&format!("\"{}", operation.as_str())) {
            problems.push(format!("types the operation name {:?}", operation.as_str()));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_instrument_attributes_and_operation_names() {
        assert!(layering_problems("async fn lookup_token(&self) {}").is_empty());
        let found = layering_problems("#[tracing::instrument]\nmap(\"lookup_token(uid)\", err)");
        assert_eq!(found.len(), 2, "{found:?}");
    }
}
