// Applying feed events (FeedEvent JSON, schema names) to a board's facilities.

export function isStale(availability, staleAfterS) {
  if (!availability?.confirmed_at) return true;
  return staleAfterS > 0 && Date.now() - availability.confirmed_at > staleAfterS * 1000;
}

// Applies one event to state.facilities (Map id -> FacilityState); true when something changed.
export function feedChange(state, event) {
  if (event.sequence && event.sequence <= state.sequence) return false;
  const change = event.change ?? event;
  const type = event.change_type ?? (change.state ? 'FacilityRegistered' : 'AvailabilityChanged');
  if (event.sequence) state.sequence = event.sequence;
  if (type === 'FacilityRegistered' && change.state?.facility) {
    if (state.dept && change.state.facility.departement && change.state.facility.departement !== state.dept) return false;
    state.facilities.set(change.state.facility.id, change.state);
    return true;
  }
  if (type === 'AvailabilityChanged') {
    const facility = state.facilities.get(change.facility_id);
    const unit = facility?.units?.find((u) => u.unit.id === change.unit_id);
    if (!unit) return false;
    unit.availability = change.availability;
    return true;
  }
  return false;
}
