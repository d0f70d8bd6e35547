package org.chimp.web.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.chimp.web.identity.User;

/** A user as the user endpoints show it: never a password hash. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserView(String name, String role, String createdAt) {

    public static UserView of(User u) {
        return new UserView(u.name(), u.role().id(), u.createdAt().toString());
    }

    /** The body of the listing. */
    public record Users(List<UserView> users) {
    }

    /** The answer to removing a user. */
    public record Removed(String removed) {
    }
}
