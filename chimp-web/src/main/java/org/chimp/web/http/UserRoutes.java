package org.chimp.web.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.User;
import org.chimp.web.identity.UserRole;

/**
 * User management for admins (the access table makes these admin-only), as {@code chimp user} does from a shell:
 * {@code GET /api/2.0/chimp/users}, {@code POST /api/2.0/chimp/users} {@code {"name", "role", "password"}},
 * {@code DELETE /api/2.0/chimp/users/{name}}.
 */
public final class UserRoutes implements Routes {
    /** The collection's path. */
    public static final String PATH = "/api/2.0/chimp/users";

    private final Identity identity;

    public UserRoutes(Identity identity) {
        this.identity = identity;
    }

    @Override
    public void addTo(Javalin app) {
        app.get(PATH, this::list);
        app.post(PATH, this::add);
        app.delete(PATH + "/{name}", this::remove);
    }

    private void list(Context ctx) {
        ctx.json(new UserView.Users(identity.users().list().stream().map(UserView::of).toList()));
    }

    private void add(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx);
        String name = text(body, "name");
        String password = text(body, "password");
        UserRole role = body.path("role").isMissingNode() ? UserRole.USER : UserRole.parse(body.path("role").asText());
        ctx.json(UserView.of(identity.users().add(name, role, password)));
    }

    private void remove(Context ctx) {
        String name = ctx.pathParam("name");
        identity.users().remove(name);
        ctx.json(new UserView.Removed(name));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isTextual()) {
            throw ClientErrorException.invalid("'" + field + "' is required, as a JSON string");
        }
        return v.asText();
    }
}
