package org.chimp.api.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientErrorExceptionTest {
    static Stream<Arguments> factories() {
        return Stream.of(
                Arguments.of((Function<String, ClientErrorException>) ClientErrorException::invalid, 400),
                Arguments.of((Function<String, ClientErrorException>) ClientErrorException::unauthorized, 401),
                Arguments.of((Function<String, ClientErrorException>) ClientErrorException::notFound, 404),
                Arguments.of((Function<String, ClientErrorException>) ClientErrorException::conflict, 409),
                Arguments.of((Function<String, ClientErrorException>) ClientErrorException::tooLarge, 413));
    }

    @ParameterizedTest
    @MethodSource("factories")
    void factoryMapsToStatus(Function<String, ClientErrorException> factory, int status) {
        ClientErrorException e = factory.apply("what went wrong");
        assertThat(e.status()).isEqualTo(status);
        assertThat(e).hasMessage("what went wrong").hasNoCause();
    }

    @Test
    void invalidKeepsCause() {
        IllegalStateException cause = new IllegalStateException("low level");
        ClientErrorException e = ClientErrorException.invalid("bad", cause);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("bad").hasCause(cause);
    }
}
