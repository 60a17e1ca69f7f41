//! `testrail-report inspect`: read reports and show what would be submitted, offline.

use clap::Args;

use super::mapping::MappingArgs;
use super::reports::ReportArgs;

/// Read reports and show counts, case-ID mapping, duplicates and warnings. Needs no
/// network and no credentials.
#[derive(Debug, Args, Clone)]
pub struct InspectArgs {
    #[command(flatten)]
    pub reports: ReportArgs,

    #[command(flatten)]
    pub mapping: MappingArgs,
}
