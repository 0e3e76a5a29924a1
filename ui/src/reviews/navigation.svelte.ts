// Opening the reviews area from elsewhere (a run's "Review…" opens it on the review just made):
// the area watches this request, opens, selects the review and clears it.

export const reviewsRequest = $state<{ id: string | null; pending: boolean }>({ id: null, pending: false });

/** Asks the reviews area to open, on review `id` when given. */
export function showReviews(id: string | null = null): void {
  reviewsRequest.id = id;
  reviewsRequest.pending = true;
}

/** Takes the pending request, if any: the review to open (null for the last one shown). */
export function takeReviewsRequest(): { id: string | null } | null {
  if (!reviewsRequest.pending) return null;
  const id = reviewsRequest.id;
  reviewsRequest.pending = false;
  reviewsRequest.id = null;
  return { id };
}
