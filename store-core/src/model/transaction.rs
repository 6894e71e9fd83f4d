use serde::{Deserialize, Serialize};

/// A charging transaction, keyed by (charge-station id, transaction id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub charge_station_id: String,
    pub transaction_id: String,
    pub id_token: String,
    pub token_type: String,
    /// Appended in call order, never replaced or sorted.
    pub meter_values: Vec<MeterValue>,
    pub start_seq_no: i64,
    pub ended_seq_no: i64,
    pub updated_seq_no_count: i64,
    pub offline: bool,
}

/// What a prune deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pruned {
    pub transactions: u64,
    pub meter_values: u64,
}

impl std::ops::AddAssign for Pruned {
    fn add_assign(&mut self, other: Pruned) {
        self.transactions += other.transactions;
        self.meter_values += other.meter_values;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterValue {
    pub sampled_values: Vec<SampledValue>,
    /// Opaque; stored verbatim (offsets and fractional seconds survive).
    pub timestamp: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SampledValue {
    pub context: Option<String>,
    pub location: Option<String>,
    pub measurand: Option<String>,
    pub phase: Option<String>,
    pub unit_of_measure: Option<UnitOfMeasure>,
    #[serde(with = "crate::exact_f64")]
    pub value: f64,
}

/// Values compare by their bits: the contract requires a bit-exact round trip, so NaN equals
/// the same NaN and `-0.0` differs from `0.0`.
impl PartialEq for SampledValue {
    fn eq(&self, other: &Self) -> bool {
        self.value.to_bits() == other.value.to_bits()
            && self.context == other.context
            && self.location == other.location
            && self.measurand == other.measurand
            && self.phase == other.phase
            && self.unit_of_measure == other.unit_of_measure
    }
}

impl Eq for SampledValue {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOfMeasure {
    pub unit: String,
    /// Upstream spells this field `Multipler`.
    pub multiplier: i64,
}
