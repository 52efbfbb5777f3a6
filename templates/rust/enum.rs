{% for l in doc %}///{% if l %} {{ l }}{% endif %}
{% endfor %}#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize,
)]
pub enum {{ name }} {
{%- for v in variants %}
{% for l in v.doc %}    ///{% if l %} {{ l }}{% endif %}
{% endfor %}    #[serde(rename = {{ v.literal }})]
    {{ v.name }},
{%- endfor %}
}

impl {{ name }} {
    /// The value as PostgreSQL spells it.
    pub fn as_str(self) -> &'static str {
        match self {
{%- for v in variants %}
            {{ name }}::{{ v.name }} => {{ v.literal }},
{%- endfor %}
        }
    }
}

impl<'a> ::{{ pg }}::types::FromSql<'a> for {{ name }} {
    fn from_sql(
        _: &::{{ pg }}::types::Type,
        raw: &'a [u8],
    ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>>
    {
        match ::std::str::from_utf8(raw)? {
{%- for v in variants %}
            {{ v.literal }} => ::std::result::Result::Ok({{ name }}::{{ v.name }}),
{%- endfor %}
            other => ::std::result::Result::Err(
                format!("unknown value {other:?} of enum {{ sql }}").into(),
            ),
        }
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        ty.name() == {{ sql_name }}
    }
}

impl ::{{ pg }}::types::ToSql for {{ name }} {
    fn to_sql(
        &self,
        _: &::{{ pg }}::types::Type,
        out: &mut ::bytes::BytesMut,
    ) -> ::std::result::Result<
        ::{{ pg }}::types::IsNull,
        ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>,
    > {
        out.extend_from_slice(self.as_str().as_bytes());
        ::std::result::Result::Ok(::{{ pg }}::types::IsNull::No)
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        ty.name() == {{ sql_name }}
    }

    ::{{ pg }}::types::to_sql_checked!();
}
