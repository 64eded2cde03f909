package dev.roundtrip.spring;

import java.io.IOException;

import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.roundtrip.spring.autoconfigure.RoundtripTransportAutoConfiguration;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.ApiListing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The public API of {@code roundtrip-spring-boot-autoconfigure} (public and protected
 * types and members of the packages outside {@code internal}) is listed in
 * {@code api/roundtrip-spring-boot-autoconfigure.api} and compared here with what the
 * build compiled, so that a change to the API shows in review as a change to that file.
 * After an intended change, regenerate the listing with the command in
 * {@link #UPDATE_COMMAND} (CONTRIBUTING.md, "The public API") and commit it. The listing
 * code is the transport's {@code PublicApiTests} (test code is not shared between
 * modules); keep the two in step.
 */
class PublicApiTests {

	static final String UPDATE_COMMAND = "./mvnw -B -q -pl transport,autoconfigure -am test -Dtest=PublicApiTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

	private static final Path LISTING = Path.of(System.getProperty("basedir", "."), "api",
			"roundtrip-spring-boot-autoconfigure.api");

	@Test
	void publicApiMatchesTheCommittedListing() throws IOException {
		String actual = ApiListing.of(RoundtripTransportAutoConfiguration.class, "dev.roundtrip.spring");
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
			fail("The public API of roundtrip-spring-boot-autoconfigure differs from " + LISTING.getFileName()
					+ " (+ compiled now, - in the listing):\n" + ApiListing.diff(expected, actual)
					+ "\nIf the change is intended, regenerate the listing and commit it with the change:\n  "
					+ UPDATE_COMMAND);
		}
	}

	@Test
	void listingNamesTheFactoryBuilderAndTheProperties() {
		String listing = ApiListing.of(RoundtripTransportAutoConfiguration.class, "dev.roundtrip.spring");
		assertThat(listing)
			.contains("public final class dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder")
			.contains("class dev.roundtrip.spring.autoconfigure.RoundtripTransportProperties");
	}

}
