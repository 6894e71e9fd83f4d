//! Contract ids (eMAIDs) as MaEVe stores them: country, provider and instance with optional
//! dashes, upper-cased, dashes removed, and the ISO 15118 / eMI³ check digit appended when
//! absent or verified when present.

/// Normalises `text` or says why it is not an eMAID. The accepted shape is the spec's
/// `([A-Za-z]{2})(-?)([A-Za-z]{3})(-?)([A-Za-z0-9]{9})(-?)([A-Za-z0-9])?`, matched in full.
pub fn normalise(text: &str) -> Result<String, String> {
    let not_an_emaid = || format!("contractId {text:?} is not an eMAID (CC-PPP-IIIIIIIII[-D], dashes optional)");
    let mut rest = text;
    let country = take(&mut rest, 2, u8::is_ascii_alphabetic, false).ok_or_else(not_an_emaid)?;
    let provider = take(&mut rest, 3, u8::is_ascii_alphabetic, true).ok_or_else(not_an_emaid)?;
    let instance = take(&mut rest, 9, u8::is_ascii_alphanumeric, true).ok_or_else(not_an_emaid)?;
    let given = match rest {
        "" => None,
        _ => Some(take(&mut rest, 1, u8::is_ascii_alphanumeric, true).ok_or_else(not_an_emaid)?),
    };
    if !rest.is_empty() {
        return Err(not_an_emaid());
    }
    let body = format!("{country}{provider}{instance}");
    let expected = check_digit(&body).ok_or_else(not_an_emaid)?;
    match given {
        None => Ok(format!("{body}{expected}")),
        Some(digit) if digit.starts_with(expected) => Ok(format!("{body}{expected}")),
        Some(digit) => Err(format!("contractId {text:?} has check digit {digit:?}, expected {expected:?}")),
    }
}

/// Takes `count` characters that `accept` allows from the front of `rest`, after an optional
/// dash when `dash_before`, upper-cased.
fn take(rest: &mut &str, count: usize, accept: fn(&u8) -> bool, dash_before: bool) -> Option<String> {
    let text: &str = if dash_before { rest.strip_prefix('-').unwrap_or(rest) } else { rest };
    let part = text.get(..count).filter(|part| part.as_bytes().iter().all(accept))?;
    *rest = &text[count..];
    Some(part.to_ascii_uppercase())
}

/// A 2×2 matrix; the check digit works on the first row modulo 2 and the second modulo 3.
type Matrix = [[i64; 2]; 2];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
        [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
    ]
}

fn row_times(row: [i64; 2], m: &Matrix) -> [i64; 2] {
    [row[0] * m[0][0] + row[1] * m[1][0], row[0] * m[0][1] + row[1] * m[1][1]]
}

/// The alphabet in code order: a character's code packs its matrix as
/// `q11 | q12 << 1 | q21 << 2 | q22 << 4`.
const CODES: [(char, u8); 36] = [
    ('0', 0),
    ('1', 16),
    ('2', 32),
    ('3', 4),
    ('4', 20),
    ('5', 36),
    ('6', 8),
    ('7', 24),
    ('8', 40),
    ('9', 2),
    ('A', 18),
    ('B', 34),
    ('C', 6),
    ('D', 22),
    ('E', 38),
    ('F', 10),
    ('G', 26),
    ('H', 42),
    ('I', 1),
    ('J', 17),
    ('K', 33),
    ('L', 5),
    ('M', 21),
    ('N', 37),
    ('O', 9),
    ('P', 25),
    ('Q', 41),
    ('R', 3),
    ('S', 19),
    ('T', 35),
    ('U', 7),
    ('V', 23),
    ('W', 39),
    ('X', 11),
    ('Y', 27),
    ('Z', 43),
];

fn unpack(code: u8) -> Matrix {
    let code = i64::from(code);
    [[code & 1, (code >> 1) & 1], [(code >> 2) & 3, code >> 4]]
}

/// The check digit of a 14-character upper-case eMAID body, or `None` for a foreign character.
pub fn check_digit(body: &str) -> Option<char> {
    const P1: Matrix = [[0, 1], [1, 1]];
    const P2: Matrix = [[0, 1], [1, 2]];
    // -P2^-15 (mod 3), which moves the second-row sum into the check digit's place.
    const NEG_P2_INV_15: Matrix = [[0, 2], [2, 1]];
    let (mut p1, mut p2) = (P1, P2);
    let (mut first, mut second) = ([0i64; 2], [0i64; 2]);
    for c in body.chars() {
        let q = unpack(CODES.iter().find(|(ch, _)| *ch == c)?.1);
        let a = row_times(q[0], &p1);
        let b = row_times(q[1], &p2);
        first = [(first[0] + a[0]) % 2, (first[1] + a[1]) % 2];
        second = [(second[0] + b[0]) % 3, (second[1] + b[1]) % 3];
        p1 = multiply(&p1, &P1).map(|row| row.map(|x| x % 2));
        p2 = multiply(&p2, &P2).map(|row| row.map(|x| x % 3));
    }
    let second = row_times(second, &NEG_P2_INV_15).map(|x| x % 3);
    let packed = first[0] | (first[1] << 1) | (second[0] << 2) | (second[1] << 4);
    CODES.iter().find(|(_, code)| i64::from(*code) == packed).map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_published_examples() {
        let examples = [
            ("NN123ABCDEFGHI", 'T'),
            ("FRXYZ123456789", '2'),
            ("ITA1B2C3E4F5G6", '4'),
            ("ESZU8WOX834H1D", 'R'),
            ("PT73902837ABCZ", 'Z'),
            ("DE83DUIEN83QGZ", 'D'),
            ("DE83DUIEN83ZGQ", 'M'),
            ("DE8AA001234567", '0'),
            ("GBTWK012345678", 'V'),
        ];
        for (body, digit) in examples {
            assert_eq!(check_digit(body), Some(digit), "{body}");
        }
    }

    #[test]
    fn normalises_dashes_case_and_check_digit() {
        assert_eq!(normalise("GB-TWK-012345678-V").unwrap(), "GBTWK012345678V");
        assert_eq!(normalise("gb-twk-012345678").unwrap(), "GBTWK012345678V");
        assert_eq!(normalise("GBTWK012345678").unwrap(), "GBTWK012345678V");
        assert!(normalise("GBTWK012345678X").unwrap_err().contains("check digit"));
        assert!(normalise("GB-TWK-0123").is_err());
        assert!(normalise("").is_err());
        assert!(normalise("G1TWK012345678").is_err());
        assert_eq!(normalise("GB-TWK012345678v").unwrap(), "GBTWK012345678V", "dashes are independent");
        assert!(normalise("GBTWK012345678V1").is_err(), "trailing characters");
    }
}
