//! Generated projects for the pipeline benchmark and for the tests that
//! need a large schema (`tests/it` includes this file; each includer uses
//! some of the generators, hence the `allow`).

#![allow(dead_code)]

use std::fmt::Write;

/// A schema of `n` entities: an enum per 10 entities; every entity has a
/// uuid key, eight columns, a relation to an earlier entity (two for every
/// third), a unique key, an index and checks. Split into modules of
/// `per_file` entities, each importing the earlier modules it references.
pub fn synthetic(n: usize, per_file: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for start in (0..n).step_by(per_file) {
        let module = start / per_file;
        let end = (start + per_file).min(n);
        let mut s = String::with_capacity(per_file * 700);
        s.push_str("schemac 1\n\n");
        let mut imports: Vec<usize> = (start..end)
            .flat_map(|i| [i / 2, i.saturating_sub(3)])
            .map(|i| i / per_file)
            .filter(|m| *m != module)
            .collect();
        imports.sort_unstable();
        imports.dedup();
        for m in imports {
            let _ = writeln!(s, "import m{m}");
        }
        for e in (start / 10)..end.div_ceil(10) {
            let _ = writeln!(s, "\nenum State{e} {{ draft active archived 'on hold' }}");
        }
        for i in start..end {
            let _ = writeln!(s, "\n/// Entity number {i}.");
            let _ = writeln!(s, "entity Thing{i} {{");
            let _ = writeln!(s, "  id         uuid @pk = gen_random_uuid()");
            let _ = writeln!(s, "  name       varchar(200)");
            let _ = writeln!(s, "  /// The code, unique per thing.");
            let _ = writeln!(s, "  code       text @unique");
            let _ = writeln!(s, "  state      State{} = 'active'", i / 10);
            let _ = writeln!(s, "  amount     numeric(12,2) = 0 @check(amount >= 0)");
            let _ = writeln!(s, "  tags       text[] = '{{}}'");
            let _ = writeln!(s, "  meta       jsonb?");
            let _ = writeln!(s, "  created_at timestamptz = now()");
            if i > 0 {
                let _ = writeln!(s, "  parent_id  -> Thing{}? on delete set null", i / 2);
            }
            if i > 2 && i % 3 == 0 {
                let _ = writeln!(s, "  owner_id   -> Thing{} on delete cascade", i - 3);
            }
            let _ = writeln!(s, "  index (state, created_at desc) where meta is not null");
            let _ = writeln!(s, "}}");
        }
        files.push((format!("m{module}.schema"), s));
    }
    files
}

/// A lean schema of `n` entities, for applying to a live server quickly:
/// a uuid key, a name, and a relation to an earlier entity (so a foreign
/// key and its index). Modules of `per_file` entities.
pub fn lean(n: usize, per_file: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for start in (0..n).step_by(per_file) {
        let module = start / per_file;
        let end = (start + per_file).min(n);
        let mut s = String::with_capacity(per_file * 120);
        s.push_str("schemac 1\n");
        if module > 0 {
            let _ = writeln!(s, "import m{}", module - 1);
        }
        for i in start..end {
            let _ = writeln!(s, "\nentity Item{i} {{");
            let _ = writeln!(s, "  id   uuid @pk = gen_random_uuid()");
            let _ = writeln!(s, "  name text");
            if i > 0 {
                let _ = writeln!(s, "  prev_id -> Item{}? on delete set null", i - 1);
            }
            let _ = writeln!(s, "}}");
        }
        files.push((format!("m{module}.schema"), s));
    }
    files
}

/// A schema of `n` entities shaped like the shop example: ten entities per
/// unit (categories as a tree, products with mixins, domains, a search
/// column and expression indexes, a many-to-many join with a composite
/// key, exclusion constraints, customers and addresses referencing each
/// other, orders, lines with a generated column, invoices, payments), a
/// view per unit and a materialized view per ten. Units are grouped ten to
/// a module pair `g<k>/common` (domains, enums, mixins) and `g<k>/shop`,
/// which imports it and names some of its types by dotted path; odd groups
/// live in a schema of their own.
pub fn realistic(n: usize) -> Vec<(String, String)> {
    let units = n.div_ceil(10);
    let mut files = Vec::new();
    for g in 0..units.div_ceil(10) {
        let mut common = String::from("schemac 1\n");
        let mut shop = String::from("schemac 1\n\n");
        if g % 2 == 1 {
            let _ = writeln!(common, "schema g{g}");
            let _ = writeln!(shop, "schema g{g}");
        }
        let _ = writeln!(shop, "import g{g}.common");
        for u in g * 10..(g * 10 + 10).min(units) {
            realistic_common(&mut common, u);
            realistic_shop(&mut shop, g, u);
        }
        files.push((format!("g{g}/common.schema"), common));
        files.push((format!("g{g}/shop.schema"), shop));
    }
    files
}

fn realistic_common(s: &mut String, u: usize) {
    let _ = write!(
        s,
        r#"
/// An e-mail address, compared without regard to case.
domain Email{u} citext @check(value ~ '^[^@[:space:]]+@[^@[:space:]]+$')
/// Money: two decimals, never negative.
domain Money{u} numeric(12,2) @check(value >= 0)
domain Sku{u} varchar(32) @check(value ~ '^[A-Z0-9][A-Z0-9-]*$')
enum Currency{u} {{ EUR, USD, GBP, CHF }}
enum OrderStatus{u} {{ pending paid shipped delivered cancelled refunded }}

mixin Timestamps{u} {{
  created_at timestamptz = now()
  updated_at timestamptz = now()
}}

mixin SoftDelete{u} {{
  deleted_at timestamptz?

  check (deleted_at is null or deleted_at >= created_at)
}}
"#
    );
}

fn realistic_shop(s: &mut String, g: usize, u: usize) {
    let _ = write!(
        s,
        r#"
/// A node of the category tree.
entity Category{u} with Timestamps{u} {{
  id        bigint @pk @identity
  parent_id -> Category{u}? on delete restrict as children
  name      varchar(100)
  slug      varchar(100) @unique
  position  integer = 0 @check(position >= 0)

  check (parent_id is distinct from id)
  index (parent_id, position)
}}

/// Something the shop sells.
entity Product{u} with Timestamps{u}, SoftDelete{u} {{
  id          uuid @pk = gen_random_uuid()
  sku         g{g}.common.Sku{u} @unique
  name        varchar(200)
  description text?
  attributes  jsonb = '{{}}' @index(gin)
  tags        text[] = '{{}}'
  list_price  g{g}.common.Money{u}
  currency    Currency{u} = 'EUR'
  weight_g    integer? @check(weight_g > 0 and weight_g < 1000000)
  is_active   boolean = true
  search      tsvector @search(language: english, name: A, description: B)

  index (lower(name))
  index (created_at desc) where deleted_at is null and is_active
}}

entity ProductCategory{u} {{
  product_id  -> Product{u} on delete cascade as categories
  category_id -> Category{u} on delete cascade as products
  position    integer = 0
  is_primary  boolean = false

  primary key (product_id, category_id)
  unique (product_id) where is_primary
}}

/// The price of a product during a period; periods never overlap.
entity PricePeriod{u} {{
  id         bigint @pk @identity
  product_id -> Product{u} on delete cascade as prices
  price      Money{u}
  valid      tstzrange

  check (not isempty(valid))
  exclude using gist (product_id with =, valid with &&)
}}

/// A customer. Customers and addresses reference each other.
entity Customer{u} with Timestamps{u} {{
  id                 bigint @pk @identity
  email              Email{u} @unique
  name               text
  default_address_id -> Address{u}? on delete set null
  credit_limit       Money{u} = 0

  check (length(name) between 1 and 200)
}}

entity Address{u} {{
  id          bigint @pk @identity
  customer_id -> Customer{u} on delete cascade as addresses
  line1       text
  city        text
  country     char(2) @check(country ~ '^[A-Z]{{2}}$')
}}

entity Order{u} with Timestamps{u} {{
  id          bigint @pk @identity
  customer_id -> Customer{u} on delete restrict as orders
  address_id  -> Address{u}? on delete set null
  status      OrderStatus{u} = 'pending'
  currency    Currency{u} = 'EUR'
  placed_at   timestamptz = now()
  note        text?

  index (customer_id, placed_at desc) include (status, currency)
  index (status, placed_at) where status in ('pending', 'paid')
}}

entity OrderLine{u} {{
  id         bigint @pk @identity
  order_id   -> Order{u} on delete cascade as lines
  product_id -> Product{u} on delete restrict
  quantity   integer @check(quantity > 0)
  unit_price Money{u}
  line_total numeric(14,2) @generated(quantity * unit_price)

  check (quantity * unit_price < 1000000000)
}}

entity Invoice{u} {{
  id        bigint @pk @identity
  order_id  -> Order{u} on delete restrict
  number    text @unique
  issued_at timestamptz = now()
  paid_at   timestamptz?

  check (paid_at is null or paid_at >= issued_at)
}}

entity Payment{u} {{
  id         bigint @pk @identity
  invoice_id -> Invoice{u} on delete cascade as payments
  amount     Money{u}
  method     text @check(method in ('card', 'transfer', 'cash'))
  paid_at    timestamptz = now()
}}

/// Products on sale, with their primary category.
view ProductListing{u} {{
  select p.id, p.sku, p.name, p.list_price, c.name as category
  from product{u}s p
  left join product_category{u}s pc on pc.product_id = p.id and pc.is_primary
  left join category{u}s c on c.id = pc.category_id
  where p.deleted_at is null and p.is_active
}}
"#
    );
    if u % 10 == 0 {
        let _ = write!(
            s,
            r#"
materialized view Revenue{u} {{
  select date_trunc('day', o.placed_at) as day, o.currency, sum(l.line_total) as revenue
  from order{u}s o
  join order_line{u}s l on l.order_id = o.id
  where o.status not in ('cancelled', 'refunded')
  group by 1, 2
}}
"#
        );
    }
}
