//! Interactive sign-in, by flow: the password step (`login`), the second step (`second_factor`, dispatching to
//! the factor kinds in `core::factors`), security keys and passkeys as that step or without a password
//! (`passkey`), the browser session it ends in (`sessions`), the shortcuts and gates around it
//! (`trusted_devices`, `ip_rules`), approval from another signed-in browser (`approval`, `approval_flow`), and what a relying party's request needs next (`next_step`).
//! A sign-in moves identified → password ok → second factor pending {allowed kinds} → done | denied; `flow` is
//! that state machine (each state is a `SessionState` of the stored session, promoted to a new id at every step)
//! and where the browser goes after each step.
pub mod approval;
pub mod approval_flow;
pub mod flow;
pub mod ip_rules;
pub mod login;
pub mod next_step;
pub mod passkey;
pub mod second_factor;
pub mod sessions;
pub mod trusted_devices;
