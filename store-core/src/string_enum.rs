//! Enumerations with a fixed upstream value set, serialised as the exact upstream strings.

/// An enumeration whose values are upstream strings: what callers (the manager's request
/// checks) use to accept exactly the values the store knows, named as upstream names them.
pub trait StringEnum: Copy + PartialEq + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The upstream string of this value.
    fn as_str(self) -> &'static str;
    /// The value whose upstream string is exactly `text`.
    fn parse(text: &str) -> Option<Self>;
}

/// Declares an enum whose variants map one-to-one onto upstream strings, with `as_str`,
/// `parse`, `ALL` and serde support that uses those strings.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The upstream string of this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value whose upstream string is exactly `text`.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::string_enum::StringEnum for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use string_enum;
