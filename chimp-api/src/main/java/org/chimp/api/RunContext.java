package org.chimp.api;

import java.util.function.BooleanSupplier;

/**
 * What a single model run may depend on besides its input.
 *
 * @param seed      the random seed (full 64 bits; the original cut it to 24)
 * @param device    where to run, e.g. {@code cpu} or {@code cuda:0}
 * @param cancelled polled by long runs, which stop early when it answers true
 */
public record RunContext(long seed, String device, BooleanSupplier cancelled) {
    /** Seed 0 on the CPU, never cancelled. */
    public static RunContext defaults() {
        return new RunContext(0L, "cpu", () -> false);
    }
}
