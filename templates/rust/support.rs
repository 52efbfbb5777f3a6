
/// An error of the generated functions.
#[derive(Debug)]
pub enum ModelError {
    /// The database refused a statement, or the connection failed.
    Postgres(::{{ pg }}::Error),
    /// A column could not be read as its field's type.
    Column {
        /// `table.column`.
        column: &'static str,
        /// Names the Rust type and the PostgreSQL type.
        source: ::{{ pg }}::Error,
    },
}

impl ::std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match self {
            ModelError::Postgres(e) => write!(f, "{e}"),
            ModelError::Column { column, source } => {
                write!(f, "column `{column}`: {source}")?;
                match ::std::error::Error::source(source) {
                    ::std::option::Option::Some(cause) => write!(f, ": {cause}"),
                    ::std::option::Option::None => ::std::result::Result::Ok(()),
                }
            }
        }
    }
}

impl ::std::error::Error for ModelError {
    fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            ModelError::Postgres(e) | ModelError::Column { source: e, .. } => {
                ::std::option::Option::Some(e)
            }
        }
    }
}

impl ::std::convert::From<::{{ pg }}::Error> for ModelError {
    fn from(e: ::{{ pg }}::Error) -> Self {
        ModelError::Postgres(e)
    }
}

/// Reads column `index` of a row, naming the column on a mismatch.
fn read_column<'r, T: ::{{ pg }}::types::FromSql<'r>>(
    row: &'r ::{{ pg }}::Row,
    index: usize,
    column: &'static str,
) -> ::std::result::Result<T, ModelError> {
    row.try_get(index)
        .map_err(|source| ModelError::Column { column, source })
}

/// A PostgreSQL `interval`: months, days and microseconds are kept apart,
/// as PostgreSQL keeps them (a month has no fixed length).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize,
)]
pub struct PgInterval {
    pub months: i32,
    pub days: i32,
    pub microseconds: i64,
}

impl<'a> ::{{ pg }}::types::FromSql<'a> for PgInterval {
    fn from_sql(
        _: &::{{ pg }}::types::Type,
        raw: &'a [u8],
    ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>>
    {
        let raw: [u8; 16] = raw.try_into()?;
        let [m0, m1, m2, m3, m4, m5, m6, m7, d0, d1, d2, d3, n0, n1, n2, n3] = raw;
        ::std::result::Result::Ok(PgInterval {
            microseconds: i64::from_be_bytes([m0, m1, m2, m3, m4, m5, m6, m7]),
            days: i32::from_be_bytes([d0, d1, d2, d3]),
            months: i32::from_be_bytes([n0, n1, n2, n3]),
        })
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        *ty == ::{{ pg }}::types::Type::INTERVAL
    }
}

impl ::{{ pg }}::types::ToSql for PgInterval {
    fn to_sql(
        &self,
        _: &::{{ pg }}::types::Type,
        out: &mut ::bytes::BytesMut,
    ) -> ::std::result::Result<
        ::{{ pg }}::types::IsNull,
        ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>,
    > {
        out.extend_from_slice(&self.microseconds.to_be_bytes());
        out.extend_from_slice(&self.days.to_be_bytes());
        out.extend_from_slice(&self.months.to_be_bytes());
        ::std::result::Result::Ok(::{{ pg }}::types::IsNull::No)
    }

    fn accepts(ty: &::{{ pg }}::types::Type) -> bool {
        *ty == ::{{ pg }}::types::Type::INTERVAL
    }

    ::{{ pg }}::types::to_sql_checked!();
}
