//! Number matching, shared by helpdesk caller verification (`recovery::verify`) and cross-device sign-in
//! approval (`signin::approval`): one side sees a two-digit number, the other picks it from three. A person who
//! approves without looking at the first side (a push-fatigue "yes", a caller reading a number they were fed) picks
//! right only one time in three, and one wrong pick ends the prompt.
use rand::Rng;
use rand::seq::SliceRandom;

/// The number one side shows or reads out and the three the other side chooses from (the right one among two decoys,
/// shuffled), all distinct, from 10 to 99.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub number: u8,
    pub choices: [u8; 3],
}

impl Challenge {
    /// A new challenge from the thread's CSPRNG.
    pub fn generate() -> Self {
        Self::from_rng(&mut rand::rng())
    }

    pub fn from_rng(rng: &mut impl Rng) -> Self {
        let number = rng.random_range(10..=99u8);
        let mut choices = vec![number];
        while choices.len() < 3 {
            let decoy = rng.random_range(10..=99u8);
            if !choices.contains(&decoy) {
                choices.push(decoy);
            }
        }
        choices.shuffle(rng);
        Challenge {
            number,
            choices: [choices[0], choices[1], choices[2]],
        }
    }
}
