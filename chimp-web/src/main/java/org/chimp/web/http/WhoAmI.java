package org.chimp.web.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Locale;
import org.chimp.http.Principal;

/**
 * Who a caller is, as {@code whoami} and a JSON login answer show it.
 *
 * @param role      {@code admin} or {@code user}
 * @param via       how the caller authenticated, lower case
 * @param csrfToken the session's CSRF token; absent for callers without a session
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WhoAmI(String user, String role, String via, @JsonInclude(JsonInclude.Include.NON_NULL) String csrfToken) {

    static WhoAmI of(Principal p, String csrf) {
        return new WhoAmI(p.name(), p.admin() ? "admin" : "user", p.via().name().toLowerCase(Locale.ROOT), csrf);
    }

    /** The JSON answer to {@code POST /logout}: whether there was a session to end. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LoggedOut(boolean loggedOut) {
    }
}
