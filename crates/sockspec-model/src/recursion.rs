//! Recursive types, recorded for generators: the groups of mutually recursive types in an
//! order to define them in, and the fields that need an indirection (a `Box` in Rust).

use serde::{Deserialize, Serialize};

use crate::model::*;

/// Types that refer to each other (a strongly connected component of "refers to").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeGroup {
    /// In declaration order.
    pub types: Vec<TypeId>,
    /// The group refers to itself (several types, or one that refers to itself): Python
    /// and TypeScript need forward references inside it.
    pub recursive: bool,
}

/// Records `Schema::type_order` and `Field::indirect`.
pub(crate) fn assign(schema: &mut Schema) {
    let refers: Vec<Vec<TypeId>> = schema.types.iter().map(|d| def_refs(d, false)).collect();
    schema.type_order = components(&refers)
        .into_iter()
        .map(|mut types| {
            types.sort();
            let recursive = types.len() > 1 || refers[types[0].0 as usize].contains(&types[0]);
            TypeGroup { types, recursive }
        })
        .collect();

    // Indirection: a struct's field that holds, by value, a type of the struct's own group
    // of types that hold each other by value.
    let by_value: Vec<Vec<TypeId>> = schema.types.iter().map(|d| def_refs(d, true)).collect();
    let mut group = vec![usize::MAX; schema.types.len()];
    for (g, members) in components(&by_value).into_iter().enumerate() {
        let cyclic = members.len() > 1 || by_value[members[0].0 as usize].contains(&members[0]);
        for t in members {
            if cyclic {
                group[t.0 as usize] = g;
            }
        }
    }
    for (i, def) in schema.types.iter_mut().enumerate() {
        let TypeDefKind::Struct(s) = &mut def.kind else { continue };
        if group[i] == usize::MAX {
            continue;
        }
        for f in &mut s.fields {
            let mut held = Vec::new();
            type_refs(&f.ty, true, &mut held);
            f.indirect = held.iter().any(|t| group[t.0 as usize] == group[i]);
        }
    }
}

/// The types a definition names; with `by_value`, only those it holds inline (not through
/// a list or a map, which are already indirections).
fn def_refs(def: &TypeDef, by_value: bool) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &def.kind {
        TypeDefKind::Struct(s) => s.fields.iter().for_each(|f| type_refs(&f.ty, by_value, &mut out)),
        TypeDefKind::Enum(_) => {}
        TypeDefKind::Union(Union::Tagged { variants, .. }) => out.extend(variants.iter().copied()),
        TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(|v| type_refs(v, by_value, &mut out)),
        TypeDefKind::Alias(t) => type_refs(t, by_value, &mut out),
    }
    out
}

fn type_refs(ty: &Type, by_value: bool, out: &mut Vec<TypeId>) {
    match &ty.kind {
        TypeKind::Named(id) if !out.contains(id) => out.push(*id),
        TypeKind::List(inner) | TypeKind::Map(inner) if !by_value => type_refs(inner, by_value, out),
        TypeKind::Nullable(inner) => type_refs(inner, by_value, out),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|v| type_refs(v, by_value, out)),
        _ => {}
    }
}

/// Strongly connected components (Tarjan), each emitted after every component it reaches:
/// dependencies first. Deterministic: nodes and edges are visited in order.
fn components(edges: &[Vec<TypeId>]) -> Vec<Vec<TypeId>> {
    struct State<'e> {
        edges: &'e [Vec<TypeId>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<TypeId>>,
    }
    // Iterative, so a long chain of types cannot exhaust the stack.
    fn visit(st: &mut State<'_>, root: usize) {
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        st.index[root] = Some(st.next);
        st.low[root] = st.next;
        st.next += 1;
        st.stack.push(root);
        st.on_stack[root] = true;
        while let Some(top) = work.last_mut() {
            let v = top.0;
            if let Some(w) = st.edges[v].get(top.1).map(|t| t.0 as usize) {
                top.1 += 1;
                match st.index[w] {
                    None => {
                        st.index[w] = Some(st.next);
                        st.low[w] = st.next;
                        st.next += 1;
                        st.stack.push(w);
                        st.on_stack[w] = true;
                        work.push((w, 0));
                    }
                    Some(iw) if st.on_stack[w] => st.low[v] = st.low[v].min(iw),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                st.low[parent] = st.low[parent].min(st.low[v]);
            }
            if Some(st.low[v]) == st.index[v] {
                let mut group = Vec::new();
                while let Some(w) = st.stack.pop() {
                    st.on_stack[w] = false;
                    group.push(TypeId(w as u32));
                    if w == v {
                        break;
                    }
                }
                st.out.push(group);
            }
        }
    }
    let n = edges.len();
    let mut st = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if st.index[v].is_none() {
            visit(&mut st, v);
        }
    }
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> Vec<TypeId> {
        v.iter().map(|&i| TypeId(i)).collect()
    }

    #[test]
    fn components_come_after_what_they_refer_to() {
        // 0 -> 1 <-> 2 -> 3, 4 alone, 5 -> 5
        let edges = vec![ids(&[1]), ids(&[2]), ids(&[1, 3]), ids(&[]), ids(&[]), ids(&[5])];
        let mut out = components(&edges);
        out.iter_mut().for_each(|g| g.sort());
        assert_eq!(out, vec![ids(&[3]), ids(&[1, 2]), ids(&[0]), ids(&[4]), ids(&[5])]);
    }

    #[test]
    fn a_long_chain_does_not_exhaust_the_stack() {
        let n = 100_000u32;
        let edges: Vec<Vec<TypeId>> = (0..n).map(|i| if i + 1 < n { ids(&[i + 1]) } else { ids(&[0]) }).collect();
        let out = components(&edges);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), n as usize);
    }
}
