package org.chimp.web.http;

/** The login page's HTML: plain markup, no scripts, nothing loaded from elsewhere. */
final class LoginPage {
    private LoginPage() {
    }

    static String form(String csrf, String error) {
        return (error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>")
                + "<form method=\"post\" action=\"" + LoginRoutes.LOGIN + "\">"
                + "<input type=\"hidden\" name=\"_csrf\" value=\"" + escape(csrf) + "\">"
                + "<label>User name <input name=\"username\" autocomplete=\"username\" maxlength=\"64\" required autofocus></label>"
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" maxlength=\"256\" required></label>"
                + "<button type=\"submit\">Sign in</button></form>";
    }

    static String wrap(String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>CHIMP - sign in</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}"
                + "label{display:block;margin:.8rem 0}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}"
                + "button{padding:.5rem 1.2rem}.error{color:#b00020}</style></head><body><h1>CHIMP</h1>" + body + "</body></html>";
    }

    /** Text made safe to put inside HTML elements and quoted attributes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
