//! The direction of dependencies between the workspace's crates, read from `cargo metadata`:
//! the conformance suite depends on store-core and names no backend, nothing depends on it
//! except for tests, and no crate reaches itself through another.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::command::{Result, cargo};

const SUITE: &str = "store-conformance";
/// What the suite may depend on inside the workspace.
const SUITE_MAY_USE: &[&str] = &["store-core"];

/// (from, to, kind) for each dependency between workspace members; kind is `normal`, `dev` or
/// `build`.
type Edges = Vec<(String, String, String)>;

pub fn check() -> Result {
    let output = cargo(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|err| format!("cargo metadata: {err}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|err| format!("cargo metadata: {err}"))?;
    let problems = problems(&edges(&metadata));
    if problems.is_empty() {
        println!("dependencies: no cycle, {SUITE} depends only on {SUITE_MAY_USE:?} and only as a dev-dependency");
        Ok(())
    } else {
        Err(format!("dependency direction:\n  {}", problems.join("\n  ")))
    }
}

fn edges(metadata: &Value) -> Edges {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let members: BTreeSet<String> =
        packages.iter().filter_map(|package| package["name"].as_str().map(str::to_owned)).collect();
    let mut edges = Edges::new();
    for package in &packages {
        let from = package["name"].as_str().unwrap_or_default();
        for dependency in package["dependencies"].as_array().into_iter().flatten() {
            let to = dependency["name"].as_str().unwrap_or_default();
            if members.contains(to) {
                let kind = dependency["kind"].as_str().unwrap_or("normal");
                edges.push((from.to_owned(), to.to_owned(), kind.to_owned()));
            }
        }
    }
    edges
}

fn problems(edges: &Edges) -> Vec<String> {
    let mut problems = Vec::new();
    for (from, to, kind) in edges {
        if to == SUITE && kind != "dev" {
            problems.push(format!("{from} has a {kind} dependency on {SUITE}; use it as a dev-dependency"));
        }
        if from == SUITE && !SUITE_MAY_USE.contains(&to.as_str()) {
            problems.push(format!("{SUITE} depends on {to}; the suite must name no backend"));
        }
    }
    // A crate may list itself as a dev-dependency to turn on its own test features; any longer
    // way back to itself is a cycle.
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to, _) in edges.iter().filter(|(from, to, _)| from != to) {
        graph.entry(from).or_default().insert(to);
    }
    for start in graph.keys() {
        if reaches(&graph, start, start) {
            problems.push(format!("{start} depends on itself through other workspace crates"));
        }
    }
    problems
}

fn reaches(graph: &BTreeMap<&str, BTreeSet<&str>>, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = graph.get(from).into_iter().flatten().copied().collect();
    while let Some(node) = stack.pop() {
        if node == target {
            return true;
        }
        if seen.insert(node) {
            stack.extend(graph.get(node).into_iter().flatten().copied());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str, kind: &str) -> (String, String, String) {
        (from.to_owned(), to.to_owned(), kind.to_owned())
    }

    #[test]
    fn the_shape_this_workspace_wants_passes() {
        let edges = vec![
            edge("store-memory", "store-core", "normal"),
            edge("store-memory", "store-conformance", "dev"),
            edge("store-postgres", "store-postgres", "dev"),
            edge("store-conformance", "store-core", "normal"),
        ];
        assert_eq!(problems(&edges), Vec::<String>::new());
    }

    #[test]
    fn a_cycle_through_the_suite_and_a_normal_dependency_on_it_fail() {
        let edges = vec![
            edge("store-postgres", "store-conformance", "dev"),
            edge("store-conformance", "store-postgres", "normal"),
            edge("manager", "store-conformance", "normal"),
        ];
        let found = problems(&edges);
        assert!(found.iter().any(|p| p.contains("manager has a normal dependency")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("must name no backend")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("store-postgres depends on itself")), "{found:?}");
    }
}
