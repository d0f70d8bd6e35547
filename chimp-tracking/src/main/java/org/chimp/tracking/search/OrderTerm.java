package org.chimp.tracking.search;

/** One term of an order_by list: {@code metrics.acc DESC}. */
public record OrderTerm(Entity entity, String key, boolean ascending) {
}
