//! Mixins: an entity's members followed by those of its mixins, `override`
//! replacing a mixin's column.

use super::*;

impl<'a> Resolver<'a> {
    /// An entity's members followed by those of its mixins, with `override`
    /// replacing a mixin's column and any other clash reported.
    pub(super) fn flatten(
        &mut self,
        e: &'a ast::Entity,
        module: usize,
        stack: &mut Vec<usize>,
        attrs: &mut Vec<&'a ast::Attribute>,
    ) -> Vec<Placed<'a>> {
        attrs.extend(e.attrs.iter());
        let own: Vec<Placed<'a>> = e
            .members
            .iter()
            .map(|member| Placed {
                member,
                module,
                mixin: None,
                via: None,
            })
            .collect();
        let mut inherited: Vec<Placed<'a>> = Vec::new();
        for path in &e.with {
            let Some(mi) = self.lookup(module, path, &[DeclKind::Mixin], "mixin") else {
                continue;
            };
            if stack.contains(&mi) {
                self.push(
                    Diagnostic::error(
                        Code::CyclicMixin,
                        format!("mixin `{}` includes itself", path.dotted()),
                    )
                    .label(path.span, "cycle through here"),
                );
                continue;
            }
            let (Item::Mixin(m), m_module) = (self.decls[mi].item, self.decls[mi].module) else {
                continue;
            };
            stack.push(mi);
            let members = self.flatten(m, m_module, stack, attrs);
            stack.pop();
            for mut p in members {
                p.mixin.get_or_insert(m.name.name.as_str());
                p.via = Some(path.span);
                if let Some((name, span)) = column_name(p.member) {
                    if let Some(prev) = inherited
                        .iter()
                        .find(|q| column_name(q.member).is_some_and(|(n, _)| n == name))
                    {
                        let prev_span = column_name(prev.member).map_or(span, |(_, s)| s);
                        self.push(
                            Diagnostic::error(
                                Code::MixinClash,
                                format!("two mixins define column `{name}`"),
                            )
                            .label(span, "here")
                            .label(prev_span, "and here"),
                        );
                        continue;
                    }
                }
                inherited.push(p);
            }
        }
        let mut out = Vec::new();
        let mut overridden = HashSet::default();
        for p in &own {
            let MemberKind::Column(c) = &p.member.kind else {
                continue;
            };
            let clash = inherited
                .iter()
                .find(|q| column_name(q.member).is_some_and(|(n, _)| n == c.name.name));
            match (clash, c.is_override) {
                (Some(_), true) => {
                    overridden.insert(c.name.name.as_str());
                }
                (Some(q), false) => {
                    // The entity's column stands in for the mixin's, so the
                    // clash is reported once (not again as a duplicate).
                    overridden.insert(c.name.name.as_str());
                    let span = column_name(q.member).map_or(c.name.span, |(_, s)| s);
                    self.push(
                        Diagnostic::error(
                            Code::MixinClash,
                            format!("column `{}` is also defined by a mixin", c.name.name),
                        )
                        .label(c.name.span, "defined here")
                        .label(span, "and in the mixin")
                        .help(format!(
                            "write `override {} ...` to replace the mixin's column",
                            c.name.name
                        )),
                    );
                }
                (None, true) => {
                    self.push(
                        Diagnostic::error(
                            Code::NothingToOverride,
                            format!("no mixin defines `{}`", c.name.name),
                        )
                        .label(c.name.span, "`override` replaces a mixin's column")
                        .help("remove `override`"),
                    );
                }
                (None, false) => {}
            }
        }
        out.extend(own);
        out.extend(
            inherited
                .into_iter()
                .filter(|q| !column_name(q.member).is_some_and(|(n, _)| overridden.contains(n))),
        );
        out
    }
}

fn column_name(m: &Member) -> Option<(&str, Span)> {
    match &m.kind {
        MemberKind::Column(c) => Some((c.name.name.as_str(), c.name.span)),
        _ => None,
    }
}
