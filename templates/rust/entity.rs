{% if in_module %}
#[allow(unused_imports)]
use super::*;

{% endif %}
{%- for l in doc %}///{% if l %} {{ l }}{% endif %}
{% endfor %}{% if doc %}///
{% endif %}/// A row of `{{ table }}`.
#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct {{ name }} {
{%- for f in fields %}
{% for l in f.doc %}    ///{% if l %} {{ l }}{% endif %}
{% endfor %}{% if f.renamed %}    #[serde(rename = {{ f.literal }})]
{% endif %}    pub {{ f.name }}: {{ f.ty }},
{%- endfor %}
}

impl ::std::convert::TryFrom<&::{{ pg }}::Row> for {{ name }} {
    type Error = ModelError;

    fn try_from(row: &::{{ pg }}::Row) -> ::std::result::Result<Self, ModelError> {
        ::std::result::Result::Ok({{ name }} {
{%- for f in fields %}
            {{ f.name }}: read_column(row, {{ loop.index0 }}, {{ f.qualified }})?,
{%- endfor %}
        })
    }
}

/// A new row of `{{ table }}`: what the application writes. A field that is
/// an `Option` here has a default; leave it `None` to take the default.
#[derive(Clone, Debug, {% if not required %}Default, {% endif %}PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct {{ insert_name }} {
{%- for f in insert_fields %}
{% for l in f.doc %}    ///{% if l %} {{ l }}{% endif %}
{% endfor %}{% if f.defaulted %}    #[serde({% if f.renamed %}rename = {{ f.literal }}, {% endif %}default)]
    pub {{ f.name }}: ::std::option::Option<{{ f.ty }}>,
{%- else %}{% if f.renamed %}    #[serde(rename = {{ f.literal }})]
{% endif %}    pub {{ f.name }}: {{ f.ty }},
{%- endif %}
{%- endfor %}
}
{% if required %}
impl {{ insert_name }} {
    /// The fields without a default; the others take theirs.
    #[allow(clippy::too_many_arguments)]
    pub fn new({% for f in required %}{{ f.name }}: {{ f.ty }}{% if not loop.last %}, {% endif %}{% endfor %}) -> Self {
        {{ insert_name }} {
{%- for f in insert_fields %}
            {% if f.defaulted %}{{ f.name }}: ::std::option::Option::None{% else %}{{ f.name }}{% endif %},
{%- endfor %}
        }
    }
{%- for f in insert_fields %}{% if f.defaulted %}

    /// Sets `{{ f.column }}` instead of taking its default.
    pub fn {{ f.builder }}(mut self, {{ f.name }}: {{ f.ty }}) -> Self {
        self.{{ f.name }} = ::std::option::Option::Some({{ f.name }});
        self
    }
{%- endif %}{% endfor %}
}
{% endif %}
/// A change to a row of `{{ table }}`: the fields that are `Some` are set.
#[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct {{ update_name }} {
{%- for f in update_fields %}
    #[serde({% if f.renamed %}rename = {{ f.literal }}, {% endif %}default)]
    pub {{ f.name }}: ::std::option::Option<{{ f.ty }}>,
{%- endfor %}
}
{%- for q in queries %}

/// The statements on `{{ table }}`, prepared once per connection.
#[derive(Clone, Debug)]
pub struct {{ q.name }} {
    insert: ::{{ pg }}::Statement,
{%- if key %}
    get: ::{{ pg }}::Statement,
{%- if key.update_sql %}
    update: ::{{ pg }}::Statement,
{%- endif %}
    delete: ::{{ pg }}::Statement,
{%- for l in lists %}
    {{ l.function }}: ::{{ pg }}::Statement,
{%- endfor %}
{%- endif %}
{%- for e in exists %}
    {{ e.function }}: ::{{ pg }}::Statement,
{%- endfor %}
}

impl {{ q.name }} {
    /// Prepares every statement on this connection.
    pub {{ q.fn }} prepare(
        client: {{ q.client }},
    ) -> ::std::result::Result<Self, ::{{ pg }}::Error> {
        ::std::result::Result::Ok({{ q.name }} {
            insert: client.prepare({{ insert_sql }}){{ q.wait }}?,
{%- if key %}
            get: client.prepare({{ key.get_sql }}){{ q.wait }}?,
{%- if key.update_sql %}
            update: client.prepare({{ key.update_sql }}){{ q.wait }}?,
{%- endif %}
            delete: client.prepare({{ key.delete_sql }}){{ q.wait }}?,
{%- for l in lists %}
            {{ l.function }}: client.prepare({{ l.sql }}){{ q.wait }}?,
{%- endfor %}
{%- endif %}
{%- for e in exists %}
            {{ e.function }}: client.prepare({{ e.sql }}){{ q.wait }}?,
{%- endfor %}
        })
    }

    /// Inserts a row and returns it as stored (defaults and generated
    /// columns filled in).
    pub {{ q.fn }} insert(
        &self,
        client: {{ q.client }},
        {% if not insert_params %}_{% endif %}value: &{{ insert_name }},
    ) -> ::std::result::Result<{{ name }}, ModelError> {
        let row = client.query_one(&self.insert, &[{{ insert_params | join(sep=", ") }}]){{ q.wait }}?;
        {{ name }}::try_from(&row)
    }
{%- if key %}

    /// The row with this primary key{% if soft_delete %}, unless it is deleted{% endif %}.
    pub {{ q.fn }} get(
        &self,
        client: {{ q.client }},
{%- for p in key.params %}
        {{ p.name }}: {{ p.ty }},
{%- endfor %}
    ) -> ::std::result::Result<::std::option::Option<{{ name }}>, ModelError> {
        let row = client.query_opt(&self.get, &[{{ key.args | join(sep=", ") }}]){{ q.wait }}?;
        row.as_ref().map({{ name }}::try_from).transpose()
    }
{%- if key.update_sql %}

    /// Sets the fields of `patch` that are `Some` and returns the row, or
    /// `None` when there is no such row{% if soft_delete %} (or it is deleted){% endif %}.
    pub {{ q.fn }} update(
        &self,
        client: {{ q.client }},
{%- for p in key.params %}
        {{ p.name }}: {{ p.ty }},
{%- endfor %}
        patch: &{{ update_name }},
    ) -> ::std::result::Result<::std::option::Option<{{ name }}>, ModelError> {
        let row = client.query_opt(
            &self.update,
            &[{{ key.update_params | join(sep=", ") }}, {{ key.args | join(sep=", ") }}],
        ){{ q.wait }}?;
        row.as_ref().map({{ name }}::try_from).transpose()
    }
{%- endif %}

    /// {% if soft_delete %}Marks the row deleted (sets `deleted_at`){% else %}Deletes the row{% endif %}; `false` when there was none.
    pub {{ q.fn }} delete(
        &self,
        client: {{ q.client }},
{%- for p in key.params %}
        {{ p.name }}: {{ p.ty }},
{%- endfor %}
    ) -> ::std::result::Result<bool, ModelError> {
        ::std::result::Result::Ok(client.execute(&self.delete, &[{{ key.args | join(sep=", ") }}]){{ q.wait }}? > 0)
    }
{%- for l in lists %}

    /// Up to `limit` rows with this {{ l.what }}, in primary key order,
    /// after the row whose key is `after` (the last of the previous page).
    pub {{ q.fn }} {{ l.function }}(
        &self,
        client: {{ q.client }},
{%- for p in l.params %}
        {{ p.name }}: {{ p.ty }},
{%- endfor %}
        after: {{ key.after_ty }},
        limit: i64,
    ) -> ::std::result::Result<::std::vec::Vec<{{ name }}>, ModelError> {
        let rows = client.query(
            &self.{{ l.function }},
            &[{{ l.args | join(sep=", ") }}, &after.is_some(), {{ key.after_args | join(sep=", ") }}, &limit],
        ){{ q.wait }}?;
        rows.iter().map({{ name }}::try_from).collect()
    }
{%- endfor %}
{%- endif %}
{%- for e in exists %}

    /// Whether a {% if soft_delete %}live {% endif %}row has these values of its unique key.
    pub {{ q.fn }} {{ e.function }}(
        &self,
        client: {{ q.client }},
{%- for p in e.params %}
        {{ p.name }}: {{ p.ty }},
{%- endfor %}
    ) -> ::std::result::Result<bool, ModelError> {
        let row = client.query_one(&self.{{ e.function }}, &[{{ e.args | join(sep=", ") }}]){{ q.wait }}?;
        read_column(&row, 0, "exists")
    }
{%- endfor %}
}
{%- endfor %}
