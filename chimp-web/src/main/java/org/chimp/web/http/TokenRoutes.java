package org.chimp.web.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.time.Duration;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Principal;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.web.identity.ApiTokens;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.User;

/**
 * Per-user API tokens:
 * <ul>
 * <li>{@code POST /api/2.0/chimp/tokens} {@code {"label": "laptop", "expires_days": 90}}: a new token for the
 * caller, shown once in the answer; an admin may add {@code "user": "name"} to make one for someone else (the
 * admin token, which belongs to no user, must);</li>
 * <li>{@code GET /api/2.0/chimp/tokens}: the caller's tokens (an admin sees everyone's, or one user's with
 * {@code ?user=}), never the token values;</li>
 * <li>{@code DELETE /api/2.0/chimp/tokens/{id}}: revokes one of the caller's tokens (an admin: anyone's).</li>
 * </ul>
 */
public final class TokenRoutes implements Routes {
    /** The collection's path. */
    public static final String PATH = "/api/2.0/chimp/tokens";
    /** Most tokens one listing shows. */
    static final int MAX_LISTED = 1000;

    private final Identity identity;

    public TokenRoutes(Identity identity) {
        this.identity = identity;
    }

    @Override
    public void addTo(Javalin app) {
        app.post(PATH, this::create);
        app.get(PATH, this::list);
        app.delete(PATH + "/{id}", this::revoke);
    }

    private void create(Context ctx) {
        Principal p = Principal.of(ctx).orElseThrow();
        JsonNode body = Requests.jsonBody(ctx);
        if (!body.isObject()) {
            throw ClientErrorException.invalid("The body must be a JSON object such as {\"label\": \"laptop\", \"expires_days\": 90}");
        }
        String label = body.path("label").isTextual() ? body.get("label").asText() : null;
        if (label == null) {
            throw ClientErrorException.invalid("'label' is required: a name for the token, such as \"laptop\"");
        }
        Duration lifetime = null;
        JsonNode days = body.path("expires_days");
        if (!days.isMissingNode() && !days.isNull()) {
            if (!days.canConvertToInt() || !days.isIntegralNumber() || days.asInt() < 1 || days.asInt() > ApiTokens.MAX_LIFETIME.toDays()) {
                throw ClientErrorException.invalid("'expires_days' must be a whole number from 1 to " + ApiTokens.MAX_LIFETIME.toDays());
            }
            lifetime = Duration.ofDays(days.asInt());
        }
        User owner = owner(p, body.path("user").isTextual() ? body.get("user").asText() : null);
        ApiTokens.NewToken t = identity.tokens().create(owner, label, lifetime);
        ctx.json(new TokenView.Created(TokenView.of(t.info()), t.token()));
    }

    private void list(Context ctx) {
        Principal p = Principal.of(ctx).orElseThrow();
        String named = ctx.queryParam("user");
        User owner = p.admin() && named == null ? null : owner(p, named);
        ctx.json(new TokenView.Tokens(identity.tokens().list(owner, MAX_LISTED).stream().map(TokenView::of).toList()));
    }

    private void revoke(Context ctx) {
        Principal p = Principal.of(ctx).orElseThrow();
        User owner = p.admin() ? null : self(p);
        ctx.json(TokenView.of(identity.tokens().revoke(ctx.pathParam("id"), owner)));
    }

    /** The user a request acts for: the caller, or (admins only) the named user. */
    private User owner(Principal p, String named) {
        if (named == null) {
            if (p.via() == Principal.Via.ADMIN_TOKEN) {
                throw ClientErrorException.invalid("The admin token belongs to no user: name the user the token is for "
                        + "with \"user\" (create users with 'chimp user add')");
            }
            return self(p);
        }
        if (!p.admin() && !named.equalsIgnoreCase(p.name())) {
            throw new ForbiddenResponse("Only an admin may manage another user's tokens");
        }
        return identity.users().get(named);
    }

    private User self(Principal p) {
        // The user may have been removed since the request was authenticated.
        return identity.users().find(p.name()).orElseThrow(() -> ClientErrorException.unauthorized("This user no longer exists"));
    }
}
