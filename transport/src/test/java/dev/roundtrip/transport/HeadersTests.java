package dev.roundtrip.transport;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link Headers}: case-insensitive lookup, order kept, and field syntax enforced. */
class HeadersTests {

	@Test
	void namesMatchInAnyCaseAndKeepTheirOrderAndFirstSpelling() {
		Headers headers = Headers.of("Accept", "text/plain", "X-A", "1", "accept", "application/json");
		assertThat(headers.get("ACCEPT")).isEqualTo("text/plain");
		assertThat(headers.values("accept")).containsExactly("text/plain", "application/json");
		assertThat(headers.values("missing")).isEmpty();
		assertThat(headers.contains("x-a")).isTrue();
		assertThat(headers.toMultimap()).containsExactly(Map.entry("Accept", List.of("text/plain", "application/json")),
				Map.entry("X-A", List.of("1")));
		assertThat(headers).hasToString("Accept: text/plain\nX-A: 1\naccept: application/json\n");
	}

	@Test
	void equalHeadersHaveEqualHashCodes() {
		Headers one = Headers.of("A", "1", "B", "2");
		Headers same = Headers.builder().add("A", "1").add("B", "2").build();
		assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isEqualTo(one);
		assertThat(one).isNotEqualTo(Headers.of("A", "1"))
			.isNotEqualTo(Headers.of("A", "1", "B", "3"))
			.isNotEqualTo("A");
		assertThat(Headers.builder().build()).isSameAs(Headers.EMPTY);
	}

	@Test
	void builderSetsRemovesAndReads() {
		Headers.Builder builder = Headers.of("A", "1", "B", "2", "a", "3").toBuilder();
		assertThat(builder.get("a")).isEqualTo("1");
		builder.set("A", "4");
		assertThat(builder.build().values("a")).containsExactly("4");
		builder.remove("b");
		assertThat(builder.get("B")).isNull();
		assertThat(builder.build().size()).isEqualTo(1);
	}

	@Test
	void tokensAreFoundInCommaSeparatedValuesIgnoringCaseAndWhitespace() {
		Headers headers = Headers.of("Connection", "keep-alive,\t Close ", "Connection", "upgrade");
		assertThat(headers.containsToken("connection", "close")).isTrue();
		assertThat(headers.containsToken("connection", "upgrade")).isTrue();
		assertThat(headers.containsToken("connection", "clos")).isFalse();
		assertThat(headers.containsToken("Upgrade", "close")).isFalse();
	}

	@Test
	void malformedNamesAndValuesAreRefusedSayingWhatAndWhere() {
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.of("A")).withMessageContaining("odd count");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkName(""))
			.withMessage("Header name is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkName("X A"))
			.withMessageContaining("a space at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkName("X\u0001"))
			.withMessageContaining("control character 0x01")
			.withMessageContaining("\"X\\x01\"");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkName("X:"))
			.withMessageContaining("':' (U+003A)");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkValue("X", "a\r\nInjected: 1"))
			.withMessageContaining("CR at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkValue("X", "a\nb"))
			.withMessageContaining("LF at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkValue("X", "a\0"))
			.withMessageContaining("NUL at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkValue("X", "\u0100"))
			.withMessageContaining("U+0100");
		assertThatIllegalArgumentException().isThrownBy(() -> Headers.checkName("N".repeat(70) + " "))
			.withMessageContaining("…\"");
		Headers.checkValue("X", "tab\tallowed");
	}

}
