package org.chimp.web.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
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
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("users");
        identity.users().list().forEach(u -> items.add(toJson(u)));
        ctx.json(body);
    }

    private void add(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx);
        String name = text(body, "name");
        String password = text(body, "password");
        UserRole role = body.path("role").isMissingNode() ? UserRole.USER : UserRole.parse(body.path("role").asText());
        ctx.json(toJson(identity.users().add(name, role, password)));
    }

    private void remove(Context ctx) {
        String name = ctx.pathParam("name");
        identity.users().remove(name);
        ctx.json(Json.MAPPER.createObjectNode().put("removed", name));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isTextual()) {
            throw ClientErrorException.invalid("'" + field + "' is required, as a JSON string");
        }
        return v.asText();
    }

    private static ObjectNode toJson(User u) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", u.name());
        o.put("role", u.role().id());
        o.put("created_at", u.createdAt().toString());
        return o;
    }
}
