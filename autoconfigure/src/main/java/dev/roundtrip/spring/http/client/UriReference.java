package dev.roundtrip.spring.http.client;

import java.net.URI;

/**
 * Resolves a URI reference against a base URI by RFC 3986 §5.2, as Go's
 * {@code (*URL).ResolveReference} does. {@link URI#resolve} follows RFC 2396, which
 * differs where redirects need it most: a query-only reference ({@code ?page=2}) keeps
 * the base's last path segment in RFC 3986 and loses it in RFC 2396, an empty base path
 * is merged as {@code /}, and dot segments above the root are dropped rather than kept.
 */
final class UriReference {

	private UriReference() {
	}

	/** The target URI of {@code reference} relative to {@code base} (§5.2.2). */
	static URI resolve(URI base, URI reference) {
		if (reference.isOpaque() || base.isOpaque()) {
			return reference.isAbsolute() ? reference : base;
		}
		String scheme;
		String authority;
		String path;
		String query;
		String refPath = nonNull(reference.getRawPath());
		if (reference.getScheme() != null) {
			scheme = reference.getScheme();
			authority = reference.getRawAuthority();
			path = removeDotSegments(refPath);
			query = reference.getRawQuery();
		}
		else {
			scheme = base.getScheme();
			if (reference.getRawAuthority() != null) {
				authority = reference.getRawAuthority();
				path = removeDotSegments(refPath);
				query = reference.getRawQuery();
			}
			else {
				authority = base.getRawAuthority();
				if (refPath.isEmpty()) {
					path = nonNull(base.getRawPath());
					query = (reference.getRawQuery() != null) ? reference.getRawQuery() : base.getRawQuery();
				}
				else {
					path = refPath.startsWith("/") ? removeDotSegments(refPath)
							: removeDotSegments(merge(base, refPath));
					query = reference.getRawQuery();
				}
			}
		}
		StringBuilder target = new StringBuilder();
		if (scheme != null) {
			target.append(scheme).append(':');
		}
		if (authority != null) {
			target.append("//").append(authority);
		}
		target.append(path);
		if (query != null) {
			target.append('?').append(query);
		}
		if (reference.getRawFragment() != null) {
			target.append('#').append(reference.getRawFragment());
		}
		return URI.create(target.toString());
	}

	/** §5.2.3: the reference's path appended to the base path's directory. */
	private static String merge(URI base, String refPath) {
		String basePath = nonNull(base.getRawPath());
		if (base.getRawAuthority() != null && basePath.isEmpty()) {
			return "/" + refPath;
		}
		int slash = basePath.lastIndexOf('/');
		return (slash < 0) ? refPath : basePath.substring(0, slash + 1) + refPath;
	}

	/** §5.2.4, the algorithm as the RFC states it, over an input buffer. */
	static String removeDotSegments(String path) {
		StringBuilder input = new StringBuilder(path);
		StringBuilder output = new StringBuilder(path.length());
		while (input.length() > 0) {
			if (startsWith(input, "../")) {
				input.delete(0, 3);
			}
			else if (startsWith(input, "./")) {
				input.delete(0, 2);
			}
			else if (startsWith(input, "/./")) {
				input.delete(0, 2);
			}
			else if (contentEquals(input, "/.")) {
				input.replace(0, 2, "/");
			}
			else if (startsWith(input, "/../")) {
				input.delete(0, 3);
				removeLastSegment(output);
			}
			else if (contentEquals(input, "/..")) {
				input.replace(0, 3, "/");
				removeLastSegment(output);
			}
			else if (contentEquals(input, ".") || contentEquals(input, "..")) {
				input.setLength(0);
			}
			else {
				int end = input.indexOf("/", (input.charAt(0) == '/') ? 1 : 0);
				if (end < 0) {
					end = input.length();
				}
				output.append(input, 0, end);
				input.delete(0, end);
			}
		}
		return output.toString();
	}

	private static void removeLastSegment(StringBuilder output) {
		int slash = output.lastIndexOf("/");
		output.setLength(Math.max(slash, 0));
	}

	private static boolean startsWith(StringBuilder s, String prefix) {
		return s.length() >= prefix.length() && s.substring(0, prefix.length()).equals(prefix);
	}

	private static boolean contentEquals(StringBuilder s, String other) {
		return s.length() == other.length() && s.toString().equals(other);
	}

	private static String nonNull(String value) {
		return (value != null) ? value : "";
	}

}
