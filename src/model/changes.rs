//! What a fetch changed of the data health and rows are derived from, so that each view's rows
//! are rebuilt only when their own data changed.

use super::{SourceId, WarehouseView};

/// Sources whose data (or status) changed, and of the warehouse, which of its views: its
/// queues and running queries change on every fetch, and most rows depend on neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// One bit per [`SourceId`]: the whole source changed (for the warehouse, every view).
    sources: u16,
    /// One bit per [`WarehouseView`] whose rows changed.
    views: u16,
}

impl Changes {
    /// Nothing changed.
    pub const NONE: Changes = Changes {
        sources: 0,
        views: 0,
    };

    /// Everything changed: data derived the first time.
    pub const ALL: Changes = Changes {
        sources: u16::MAX,
        views: u16::MAX,
    };

    /// Everything a source feeds changed: its data as a whole, its error, or its first data.
    pub fn source(id: SourceId) -> Changes {
        Changes {
            sources: 1 << id as u16,
            views: 0,
        }
    }

    /// These views of the warehouse changed, and nothing else.
    pub fn views(views: impl IntoIterator<Item = WarehouseView>) -> Changes {
        Changes {
            sources: 0,
            views: views
                .into_iter()
                .fold(0, |bits, view| bits | 1 << view as u16),
        }
    }

    pub fn any(self) -> bool {
        self != Changes::NONE
    }

    /// Whether anything of the source changed (for the warehouse, any of its views).
    pub fn touches(self, id: SourceId) -> bool {
        self.sources & 1 << id as u16 != 0 || (id == SourceId::Warehouse && self.views != 0)
    }

    /// Whether this view of the warehouse changed, alone or with the whole source.
    pub fn touches_view(self, view: WarehouseView) -> bool {
        self.views & 1 << view as u16 != 0 || self.sources & 1 << SourceId::Warehouse as u16 != 0
    }
}

impl std::ops::BitOr for Changes {
    type Output = Changes;

    fn bitor(self, other: Changes) -> Changes {
        Changes {
            sources: self.sources | other.sources,
            views: self.views | other.views,
        }
    }
}

impl std::ops::BitOrAssign for Changes {
    fn bitor_assign(&mut self, other: Changes) {
        *self = *self | other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_of_the_warehouse_is_part_of_the_warehouse_and_nothing_else() {
        let queues = Changes::views([WarehouseView::Queues]);
        assert!(queues.any());
        assert!(queues.touches(SourceId::Warehouse));
        assert!(queues.touches_view(WarehouseView::Queues));
        assert!(!queues.touches_view(WarehouseView::Loads));
        assert!(!queues.touches(SourceId::Rds));
        let whole = Changes::source(SourceId::Warehouse) | Changes::source(SourceId::Rds);
        assert!(whole.touches_view(WarehouseView::Loads));
        assert!(whole.touches(SourceId::Rds));
        assert!(!whole.touches(SourceId::Elt));
        assert!(!Changes::NONE.any());
    }
}
