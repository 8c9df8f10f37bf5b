//! Recursion over the whole set of types, in time linear in the schema: aliases and
//! untagged unions that stand for themselves without nesting (one report per cycle), and
//! types that require themselves with no way out (no finite JSON value).

use sockspec_syntax::Diagnostic;

use super::Lower;
use crate::model::*;

/// How many names of a cycle its report spells out before eliding the middle.
const NAMES_SHOWN: usize = 6;

impl Lower<'_> {
    /// Reports every set of aliases and untagged unions that stand for one another without
    /// nesting (`type A = B | null`, `type B = A`): no reader could ever decide what such a
    /// value is. One report per cycle, naming it; returns every type on one.
    pub(crate) fn check_cycles(&mut self, types: &[TypeDef]) -> Vec<TypeId> {
        // An edge A -> B: A's value is B's value, with no struct, list or map between.
        let edges: Vec<Vec<usize>> = types
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                match &def.kind {
                    TypeDefKind::Alias(t) => direct_refs(types, t, &mut out),
                    TypeDefKind::Union(Union::Untagged(u)) => {
                        u.variants.iter().for_each(|v| direct_refs(types, v, &mut out))
                    }
                    _ => {}
                }
                out
            })
            .collect();
        let mut cyclic = Vec::new();
        for component in strongly_connected(&edges) {
            let start = component[0];
            let on_cycle = component.len() > 1 || edges[start].contains(&start);
            if !on_cycle {
                continue;
            }
            cyclic.extend(component.iter().map(|&i| TypeId(i as u32)));
            let path = cycle_through(&edges, &component, start);
            let def = &types[start];
            let diag = if path.len() == 1 {
                Diagnostic::error(
                    "S0307",
                    format!("`{}` stands for itself without nesting", def.name),
                    def.meta.span,
                    "refers to itself directly",
                )
            } else {
                let last = &types[path[path.len() - 1]];
                Diagnostic::error(
                    "S0307",
                    format!("{} stand for one another without nesting", describe_cycle(types, &path)),
                    def.meta.span,
                    format!("refers to `{}`", types[path[1]].name),
                )
                .with_secondary(last.meta.span, format!("refers back to `{}`", def.name))
            };
            self.error(diag.with_help("a type may refer to itself only inside a struct, a list or a map"));
        }
        cyclic.sort();
        cyclic
    }

    /// Reports types that require themselves with no way out (no finite JSON value),
    /// except those already reported as cycles.
    pub(crate) fn check_inhabited(&mut self, types: &[TypeDef], reported: &[TypeId]) {
        let inhabited = inhabited(types);
        let mut skip = vec![false; types.len()];
        for id in reported {
            if let Some(s) = skip.get_mut(id.0 as usize) {
                *s = true;
            }
        }
        for (i, def) in types.iter().enumerate() {
            if inhabited[i] || skip[i] {
                continue;
            }
            let empty_enum = matches!(&def.kind, TypeDefKind::Enum(e) if e.variants.is_empty());
            let diag = if empty_enum {
                Diagnostic::error("S0307", format!("enum `{}` has no variants", def.name), def.meta.span, "no value")
                    .with_help("add a variant, or mark it `@open`")
            } else {
                Diagnostic::error(
                    "S0307",
                    format!("type `{}` has no finite value", def.name),
                    def.meta.span,
                    "requires itself with no way out",
                )
                .with_help("make the recursive member optional (`?`), nullable (`| null`), or a list")
            };
            self.error(diag);
        }
    }
}

/// The aliases and untagged unions a type is, directly: through `| null` and inline
/// unions, not into structs, lists or maps.
fn direct_refs(types: &[TypeDef], ty: &Type, out: &mut Vec<usize>) {
    match &ty.kind {
        TypeKind::Nullable(inner) => direct_refs(types, inner, out),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|v| direct_refs(types, v, out)),
        TypeKind::Named(id) => {
            let i = id.0 as usize;
            if matches!(
                types.get(i).map(|d| &d.kind),
                Some(TypeDefKind::Alias(_) | TypeDefKind::Union(Union::Untagged(_)))
            ) {
                out.push(i);
            }
        }
        _ => {}
    }
}

/// Tarjan's strongly connected components, iteratively (a chain of 100,000 aliases must not
/// exhaust the stack). Each component's nodes are sorted, components by their first node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges have been followed)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                out.push(component);
            }
        }
    }
    out.sort_unstable_by_key(|c| c[0]);
    out
}

/// A shortest cycle from `start` back to it within its component: the nodes in order,
/// `start` first (once).
fn cycle_through(edges: &[Vec<usize>], component: &[usize], start: usize) -> Vec<usize> {
    if edges[start].contains(&start) {
        return vec![start];
    }
    let inside = |w: usize| component.binary_search(&w).is_ok();
    let mut from = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &edges[v] {
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = from[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if inside(w) && !from.contains_key(&w) {
                from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

/// "`A` → `B` → `A`", eliding the middle of a long cycle.
fn describe_cycle(types: &[TypeDef], path: &[usize]) -> String {
    let name = |i: usize| format!("`{}`", types[i].name);
    let mut parts: Vec<String> = if path.len() <= NAMES_SHOWN {
        path.iter().map(|&i| name(i)).collect()
    } else {
        let head = path[..NAMES_SHOWN - 1].iter().map(|&i| name(i));
        head.chain(["…".to_string(), name(path[path.len() - 1])]).collect()
    };
    parts.push(name(path[0]));
    let arrows = parts.join(" → ");
    if path.len() > NAMES_SHOWN { format!("{arrows} ({} types)", path.len()) } else { arrows }
}

// ---- inhabited types ----

/// One gate of the monotone circuit "this type has a finite value": satisfied once `need`
/// of its inputs are (all of them for "every", one for "some").
struct Gate {
    need: usize,
    parents: Vec<usize>,
}

/// Which types have a finite JSON value: the least fixpoint of "a struct needs each
/// required member, a union some variant, a list at least its minimum of items", computed
/// by propagation over a circuit with one gate per type (and per nested type expression),
/// so in time linear in the schema.
fn inhabited(types: &[TypeDef]) -> Vec<bool> {
    let mut gates: Vec<Gate> = (0..types.len()).map(|_| Gate { need: 0, parents: Vec::new() }).collect();
    for (i, def) in types.iter().enumerate() {
        let inputs: Vec<usize>;
        let need;
        match &def.kind {
            TypeDefKind::Struct(s) => {
                inputs = s
                    .fields
                    .iter()
                    .filter(|f| f.required && !f.nullable)
                    .filter_map(|f| gate_of(&f.ty, &mut gates))
                    .collect();
                need = inputs.len();
            }
            TypeDefKind::Enum(e) => {
                inputs = Vec::new();
                need = usize::from(!e.open && e.variants.is_empty());
            }
            TypeDefKind::Union(Union::Tagged { variants, open, base, .. }) => {
                let some_variant =
                    if *open { None } else { Some(gate(&mut gates, variants.iter().map(|v| v.0 as usize), 1)) };
                inputs = some_variant.into_iter().chain(base.map(|b| b.0 as usize)).collect();
                need = inputs.len();
            }
            TypeDefKind::Union(Union::Untagged(u)) => {
                let mut any_free = false;
                let mut alternatives = Vec::new();
                for v in &u.variants {
                    match gate_of(v, &mut gates) {
                        Some(g) => alternatives.push(g),
                        None => any_free = true,
                    }
                }
                inputs = if any_free { Vec::new() } else { alternatives };
                need = usize::from(!any_free);
            }
            TypeDefKind::Alias(t) => {
                inputs = gate_of(t, &mut gates).into_iter().collect();
                need = inputs.len();
            }
        }
        gates[i].need = need;
        for input in inputs {
            gates[input].parents.push(i);
        }
    }
    let mut done = vec![false; gates.len()];
    let mut queue: Vec<usize> = (0..gates.len()).filter(|&g| gates[g].need == 0).collect();
    for &g in &queue {
        done[g] = true;
    }
    while let Some(g) = queue.pop() {
        for p in std::mem::take(&mut gates[g].parents) {
            if done[p] {
                continue;
            }
            gates[p].need -= 1;
            if gates[p].need == 0 {
                done[p] = true;
                queue.push(p);
            }
        }
    }
    done.truncate(types.len());
    done
}

/// A new gate over `inputs` that needs `need` of them (an "every" gate needs them all).
fn gate(gates: &mut Vec<Gate>, inputs: impl Iterator<Item = usize>, need: usize) -> usize {
    let g = gates.len();
    gates.push(Gate { need, parents: Vec::new() });
    for input in inputs {
        gates[input].parents.push(g);
    }
    g
}

/// The gate that says a value of this type exists, or `None` when one always does.
fn gate_of(ty: &Type, gates: &mut Vec<Gate>) -> Option<usize> {
    match &ty.kind {
        TypeKind::Named(id) => Some(id.0 as usize),
        TypeKind::OneOf(u) => {
            let mut alternatives = Vec::new();
            for v in &u.variants {
                alternatives.push(gate_of(v, gates)?);
            }
            Some(gate(gates, alternatives.into_iter(), 1))
        }
        TypeKind::Tuple(elements) => {
            let inputs: Vec<usize> = elements.iter().filter_map(|e| gate_of(e, gates)).collect();
            if inputs.is_empty() {
                return None;
            }
            let need = inputs.len();
            Some(gate(gates, inputs.into_iter(), need))
        }
        // An empty list or map is a value, unless `@len` asks for at least one item.
        TypeKind::List(item) | TypeKind::Map(item) => {
            if ty.constraints.len.and_then(|l| l.min).is_none_or(|min| min == 0) { None } else { gate_of(item, gates) }
        }
        _ => None,
    }
}
