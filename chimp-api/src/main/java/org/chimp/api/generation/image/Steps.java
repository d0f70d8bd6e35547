package org.chimp.api.generation.image;

import org.chimp.api.error.ClientErrorException;

/** The one rule for a requested number of denoising steps, shared by both request types. */
final class Steps {
    private Steps() {
    }

    static void check(Integer steps, int max) {
        if (steps != null && (steps < 1 || steps > max)) {
            throw ClientErrorException.invalid("'steps' must be between 1 and " + max + ", got " + steps);
        }
    }
}
