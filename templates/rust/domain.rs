{% for l in doc %}///{% if l %} {{ l }}{% endif %}
{% endfor %}///
/// The domain `{{ sql }}`: PostgreSQL checks its constraints on write.
#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
#[serde(transparent)]
pub struct {{ name }}(pub {{ inner }});

impl<'a> ::{{ pg }}::types::FromSql<'a> for {{ name }} {
    fn from_sql(
        ty: &::{{ pg }}::types::Type,
        raw: &'a [u8],
    ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>>
    {
        let ty = match ty.kind() {
            ::{{ pg }}::types::Kind::Domain(base) => base,
            _ => ty,
        };
        <{{ inner }} as ::{{ pg }}::types::FromSql>::from_sql(ty, raw).map({{ name }})
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        match ty.kind() {
            ::{{ pg }}::types::Kind::Domain(base) => {
                <{{ inner }} as ::{{ pg }}::types::FromSql>::accepts(base)
            }
            _ => <{{ inner }} as ::{{ pg }}::types::FromSql>::accepts(ty),
        }
    }
}

impl ::{{ pg }}::types::ToSql for {{ name }} {
    fn to_sql(
        &self,
        ty: &::{{ pg }}::types::Type,
        out: &mut ::bytes::BytesMut,
    ) -> ::std::result::Result<
        ::{{ pg }}::types::IsNull,
        ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>,
    > {
        let ty = match ty.kind() {
            ::{{ pg }}::types::Kind::Domain(base) => base,
            _ => ty,
        };
        self.0.to_sql(ty, out)
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        match ty.kind() {
            ::{{ pg }}::types::Kind::Domain(base) => {
                <{{ inner }} as ::{{ pg }}::types::ToSql>::accepts(base)
            }
            _ => <{{ inner }} as ::{{ pg }}::types::ToSql>::accepts(ty),
        }
    }

    ::{{ pg }}::types::to_sql_checked!();
}
