//! A shadow database: an empty database made on the server a command talks
//! to, where a model is built to learn how that server prints it, and
//! dropped again when the value is dropped.

use postgres::{Client, Config, NoTls};

pub struct Shadow {
    admin: Client,
    name: String,
    client: Option<Client>,
}

impl Shadow {
    /// Creates `schemac_shadow_<pid>_<n>` beside the database `url` names
    /// (the role needs `CREATEDB`).
    pub fn create(url: &str) -> Result<Shadow, postgres::Error> {
        Self::create_with(&url.parse()?)
    }

    /// [`Shadow::create`], beside the database `config` names.
    pub fn create_with(config: &Config) -> Result<Shadow, postgres::Error> {
        Self::create_by(config, &|c| c.connect(NoTls))
    }

    /// [`Shadow::create`], beside a migration target, connected as its
    /// `sslmode` says.
    pub fn create_on(target: &crate::connect::Target) -> Result<Shadow, postgres::Error> {
        Self::create_by(&target.config, &|c| target.open(c))
    }

    fn create_by(
        config: &Config,
        connect: &dyn Fn(&Config) -> Result<Client, postgres::Error>,
    ) -> Result<Shadow, postgres::Error> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let mut admin = connect(config)?;
        let name = format!(
            "schemac_shadow_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        admin.batch_execute(&format!(
            "CREATE DATABASE {}",
            generator::quote::ident(&name)
        ))?;
        let mut shadow = config.clone();
        shadow.dbname(&name);
        let client = match connect(&shadow) {
            Ok(c) => c,
            Err(e) => {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE {}", generator::quote::ident(&name)));
                return Err(e);
            }
        };
        Ok(Shadow {
            admin,
            name,
            client: Some(client),
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("open until dropped")
    }
}

impl Drop for Shadow {
    fn drop(&mut self) {
        // Close our own connection first: a database in use cannot go.
        self.client = None;
        let _ = self.admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            generator::quote::ident(&self.name)
        ));
    }
}
