package org.chimp.api.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that a call fails with a ClientErrorException of a given status, then lets tests check the message. */
public final class ClientErrors {
    private ClientErrors() {
    }

    public static AbstractStringAssert<?> assertClientError(int status, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(ClientErrorException.class);
        assertThat(((ClientErrorException) t).status()).isEqualTo(status);
        return assertThat(t.getMessage());
    }

    public static AbstractStringAssert<?> assertInvalid(ThrowingCallable call) {
        return assertClientError(400, call);
    }
}
