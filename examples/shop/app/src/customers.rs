//! What the application adds to the generated `Customer`: hand-written,
//! so regenerating the models never touches it.

use crate::models::Customer;

impl Customer {
    /// The name to greet the customer with.
    pub fn greeting(&self) -> String {
        format!(
            "Hello, {}!",
            self.given_name.as_deref().unwrap_or(&self.email.0)
        )
    }
}
