package org.chimp.jobs;

/** How far a running job is: a fraction in [0, 1] and what it is doing. */
public record Progress(double fraction, String message) {
    public Progress {
        if (Double.isNaN(fraction)) {
            throw new IllegalArgumentException("A progress fraction must be a number in [0, 1], got NaN");
        }
        fraction = Math.max(0, Math.min(1, fraction));
    }
}
