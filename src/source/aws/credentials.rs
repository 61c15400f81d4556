//! Credentials per tenant account: an assumed role or a named profile, else the central
//! credentials. Tenants that share credentials share one provider, so a role is assumed once per
//! account and its credentials are cached and refreshed by the SDK until they expire.
//!
//! An account is only this: who it is, its tenants, and how a call signs as it ([`SignAs`]). No
//! SDK configuration or client is built per account, and nothing is called before a source's first
//! call in it: a role is assumed when a call first needs it.

use std::time::SystemTime;

use aws_config::Region;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider, future};

use super::error::describe;
use super::{Api, Aws, Key, Limiter, Scope};
use crate::config::TenantConfig;
use crate::model::Tenant;

/// One set of tenant credentials and the tenants read with them.
#[derive(Clone)]
pub struct Account {
    pub account_id: String,
    /// How the credentials are obtained, for messages: `role arn:…`, `profile tenant-a`, `central`.
    pub via: String,
    pub tenants: Vec<Tenant>,
    /// Its credentials and Region, for a call of a shared client.
    pub(crate) sign_as: SignAs,
    /// The Region it is read in: its tenants' own, else the central one.
    pub region: Option<String>,
    /// Read with credentials of its own (a role or a profile), not the central ones.
    pub own_credentials: bool,
    /// The tenants whose alarms are read in this account (`alarms = true`; off by default).
    pub alarm_tenants: Vec<Tenant>,
    /// Whose quotas its calls count against: its own account's with its own credentials, else
    /// the central account's (in the tenants' Region).
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Via {
    Central,
    Role(String),
    Profile(String),
}

/// Groups the tenants by the credentials and region they are read with. Every role is assumed on
/// one STS client, with the central credentials.
pub fn accounts(aws: &Aws, tenants: &[TenantConfig]) -> Vec<Account> {
    let sts = aws.sts();
    let mut groups: Vec<(Via, Option<String>, Vec<&TenantConfig>)> = Vec::new();
    for tenant in tenants {
        let via = match (&tenant.role_arn, &tenant.profile) {
            (Some(role), _) => Via::Role(role.clone()),
            (None, Some(profile)) => Via::Profile(profile.clone()),
            (None, None) => Via::Central,
        };
        match groups
            .iter_mut()
            .find(|(v, region, _)| *v == via && *region == tenant.region)
        {
            Some((_, _, members)) => members.push(tenant),
            None => groups.push((via, tenant.region.clone(), vec![tenant])),
        }
    }
    let mut accounts = Vec::with_capacity(groups.len());
    for (via, region, members) in groups {
        let account_id = members[0].account_id.clone();
        let tenants: Vec<Tenant> = members.iter().map(|t| t.to_tenant()).collect();
        let alarm_tenants: Vec<Tenant> = members
            .iter()
            .filter(|t| t.alarms)
            .map(|t| t.to_tenant())
            .collect();
        let mut sign_as = SignAs {
            credentials: None,
            region: region.clone().map(Region::new),
        };
        let described = match &via {
            Via::Central => "central credentials".to_string(),
            Via::Role(role) => {
                sign_as.credentials = Some(SharedCredentialsProvider::new(AssumedRole {
                    sts: sts.clone(),
                    limiter: aws.limiter.clone(),
                    role_arn: role.clone(),
                }));
                format!("role {role}")
            }
            Via::Profile(profile) => {
                sign_as.credentials = Some(SharedCredentialsProvider::new(
                    ProfileFileCredentialsProvider::builder()
                        .profile_name(profile)
                        .build(),
                ));
                format!("profile {profile}")
            }
        };
        // Quotas are per account and Region: a tenant without a Region of its own is read in the
        // central one, and the central account in its own Region is one lane whatever says so.
        let central_region = aws.central.region().map(|r| r.as_ref());
        let in_region = region.as_deref().or(central_region);
        let scope = match via {
            Via::Central if in_region == central_region => Scope::central(),
            Via::Central => Scope::central_in(in_region),
            _ => Scope::account(&account_id, in_region),
        };
        accounts.push(Account {
            scope,
            region: in_region.map(str::to_string),
            account_id,
            via: described,
            tenants,
            sign_as,
            own_credentials: via != Via::Central,
            alarm_tenants,
        });
    }
    accounts
}

/// What makes one call of a shared client sign as a tenant account: its credentials (none: the
/// central ones) and its Region (none: the central one). Nothing else differs between accounts,
/// so a fleet of a thousand accounts shares one client per service, built once, and holds per
/// account only this: an SDK client costs tens of kilobytes (its runtime plugins and components),
/// a thousand of them most of the console's memory.
///
/// The credentials provider is the account's one [`SharedCredentialsProvider`], kept and cloned
/// (never wrapped anew): its identity-cache partition is what keeps its credentials cached across
/// calls in the shared client's identity cache.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignAs {
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) region: Option<Region>,
}

/// One config override per service the tenant accounts are called on (the SDK has one builder
/// type per service).
macro_rules! sign_as {
    ($($service:ident: $krate:ident),* $(,)?) => {
        impl SignAs {
            $(
                pub(crate) fn $service(&self) -> $krate::config::Builder {
                    let mut builder = $krate::config::Builder::default();
                    builder.set_credentials_provider(self.credentials.clone());
                    builder.set_region(self.region.clone());
                    builder
                }
            )*
        }
    };
}

sign_as!(rds: aws_sdk_rds, cloudwatch: aws_sdk_cloudwatch);

/// A role in a tenant's account, assumed with the central credentials (sts:AssumeRole) on a client
/// that counts its requests. The SDK's identity cache (one for every client built from the central
/// config) keeps the credentials under the provider's own partition until shortly before they
/// expire, and lets concurrent callers wait for one load: so a role is assumed once per account
/// per credential lifetime, whichever service calls first.
#[derive(Debug)]
struct AssumedRole {
    sts: aws_sdk_sts::Client,
    limiter: Limiter,
    role_arn: String,
}

impl AssumedRole {
    async fn assume(&self) -> provider::Result {
        // Every role is assumed with the central credentials: the central account's STS quota.
        let call = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name("shiftops")
            .send();
        let output = self
            .limiter
            .run(Key::central(Api::AssumeRole), call)
            .await
            .map_err(|e| CredentialsError::provider_error(describe(&e)))?;
        let credentials = output
            .credentials()
            .ok_or_else(|| CredentialsError::unhandled("AssumeRole returned no credentials"))?;
        Ok(Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_string()),
            SystemTime::try_from(*credentials.expiration()).ok(),
            "shiftops-assume-role",
        ))
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::aws::Overrides;

    #[tokio::test]
    async fn a_tenant_s_quotas_are_those_of_the_account_and_region_that_sign_its_calls() {
        let config = Config::parse(
            "config.toml",
            r#"
[aws]
region = "us-east-1"

[redshift]
cluster_identifier = "dw"
database = "dev"
db_user = "shiftops"

[[tenants]]
name = "a"
account_id = "111111111111"
cluster_identifier = "a"
integration = "a"

[[tenants]]
name = "b"
account_id = "222222222222"
cluster_identifier = "b"
integration = "b"
region = "us-east-1"

[[tenants]]
name = "c"
account_id = "333333333333"
cluster_identifier = "c"
integration = "c"
region = "eu-west-1"

[[tenants]]
name = "d"
account_id = "444444444444"
role_arn = "arn:aws:iam::444444444444:role/ShiftopsReadOnly"
cluster_identifier = "d"
integration = "d"
"#,
        )
        .expect("config");
        let overrides = Overrides {
            static_credentials: Some(("id".into(), "secret".into())),
            ..Overrides::default()
        };
        let aws = Aws::connect(&config, &overrides).await;
        let scopes: Vec<(Vec<String>, Scope)> = accounts(&aws, &config.tenants)
            .into_iter()
            .map(|a| (a.tenants.iter().map(|t| t.name.clone()).collect(), a.scope))
            .collect();
        assert_eq!(
            scopes,
            [
                // The central credentials in the central Region, however the Region is given.
                (vec!["a".to_string()], Scope::central()),
                (vec!["b".to_string()], Scope::central()),
                (vec!["c".to_string()], Scope::central_in(Some("eu-west-1"))),
                // A role signs for its own account, in the central Region.
                (
                    vec!["d".to_string()],
                    Scope::account("444444444444", Some("us-east-1"))
                ),
            ]
        );
    }
}
