{% for l in doc %}///{% if l %} {{ l }}{% endif %}
{% endfor %}///
/// The domain `{{ sql }}`: PostgreSQL checks its constraints on write.
#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
#[serde(transparent)]
pub struct {{ name }}(pub {{ inner }});

impl<'a> ::postgres::types::FromSql<'a> for {{ name }} {
    fn from_sql(
        ty: &::postgres::types::Type,
        raw: &'a [u8],
    ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>>
    {
        let ty = match ty.kind() {
            ::postgres::types::Kind::Domain(base) => base,
            _ => ty,
        };
        <{{ inner }} as ::postgres::types::FromSql>::from_sql(ty, raw).map({{ name }})
    }

    fn accepts(ty: &::postgres::types::Type) -> bool {
        match ty.kind() {
            ::postgres::types::Kind::Domain(base) => {
                <{{ inner }} as ::postgres::types::FromSql>::accepts(base)
            }
            _ => <{{ inner }} as ::postgres::types::FromSql>::accepts(ty),
        }
    }
}

impl ::postgres::types::ToSql for {{ name }} {
    fn to_sql(
        &self,
        ty: &::postgres::types::Type,
        out: &mut ::bytes::BytesMut,
    ) -> ::std::result::Result<
        ::postgres::types::IsNull,
        ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>,
    > {
        let ty = match ty.kind() {
            ::postgres::types::Kind::Domain(base) => base,
            _ => ty,
        };
        self.0.to_sql(ty, out)
    }

    fn accepts(ty: &::postgres::types::Type) -> bool {
        match ty.kind() {
            ::postgres::types::Kind::Domain(base) => {
                <{{ inner }} as ::postgres::types::ToSql>::accepts(base)
            }
            _ => <{{ inner }} as ::postgres::types::ToSql>::accepts(ty),
        }
    }

    ::postgres::types::to_sql_checked!();
}
