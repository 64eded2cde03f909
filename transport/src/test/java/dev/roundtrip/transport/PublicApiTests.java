package dev.roundtrip.transport;

import java.io.IOException;

import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.ApiListing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The public API of {@code roundtrip-transport} (public and protected types and members
 * of the packages outside {@code internal}) is listed in
 * {@code api/roundtrip-transport.api} and compared here with what the build compiled, so
 * that a change to the API shows in review as a change to that file. After an intended
 * change, regenerate the listing with the command in {@link #UPDATE_COMMAND}
 * (CONTRIBUTING.md, "The public API") and commit it.
 */
class PublicApiTests {

	static final String UPDATE_COMMAND = "./mvnw -B -q -pl transport,autoconfigure -am test -Dtest=PublicApiTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

	private static final Path LISTING = Path.of(System.getProperty("basedir", "."), "api", "roundtrip-transport.api");

	@Test
	void publicApiMatchesTheCommittedListing() throws IOException {
		String actual = ApiListing.of(Transport.class, "dev.roundtrip.transport");
		if (Boolean.getBoolean("api.update")) {
			Files.createDirectories(LISTING.getParent());
			Files.writeString(LISTING, actual, StandardCharsets.UTF_8);
			return;
		}
		if (!Files.exists(LISTING)) {
			fail("No API listing at " + LISTING + ". Create it with:\n  " + UPDATE_COMMAND);
		}
		String expected = Files.readString(LISTING, StandardCharsets.UTF_8);
		if (!expected.equals(actual)) {
			fail("The public API of roundtrip-transport differs from " + LISTING.getFileName()
					+ " (+ compiled now, - in the listing):\n" + ApiListing.diff(expected, actual)
					+ "\nIf the change is intended, regenerate the listing and commit it with the change:\n  "
					+ UPDATE_COMMAND);
		}
	}

	@Test
	void listingNamesTheTransportAndNoInternalType() {
		String listing = ApiListing.of(Transport.class, "dev.roundtrip.transport");
		assertThat(listing).contains("public final class dev.roundtrip.transport.Transport")
			.doesNotContain("dev.roundtrip.transport.internal.");
	}

}
