package org.chimp.tracking.search;

import java.util.Set;

/** A comparison operator of MLflow's filter syntax. */
public enum Op {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), LIKE("LIKE"), ILIKE("ILIKE"), IN("IN"), NOT_IN("NOT IN");

    /** What numbers (metrics, times) may be compared with. */
    static final Set<Op> NUMERIC = Set.of(EQ, NE, LT, LE, GT, GE);
    /** What strings (params, tags, names) may be compared with. */
    static final Set<Op> TEXT = Set.of(EQ, NE, LIKE, ILIKE, IN, NOT_IN);

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    /** As written in a filter. */
    public String symbol() {
        return symbol;
    }

    boolean takesList() {
        return this == IN || this == NOT_IN;
    }
}
