package dev.roundtrip.transport.internal.http1;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InternTableTests {

	@Test
	void everyEntryIsFoundDespiteCollisions() {
		String[] names = new String[200];
		for (int i = 0; i < names.length; i++) {
			names[i] = "X-Header-" + i;
		}
		InternTable table = new InternTable(true, names);
		for (String name : names) {
			assertThat(lookup(table, name)).isSameAs(name);
			assertThat(lookup(table, name.toUpperCase(Locale.ROOT))).isSameAs(name);
		}
		assertThat(lookup(table, "X-Header-200")).isNull();
		assertThat(lookup(table, "X-Header-")).isNull();
		assertThat(lookup(table, "")).isNull();
	}

	@Test
	void caseSensitiveTableMatchesExactly() {
		InternTable table = new InternTable(false, "close", "Close");
		assertThat(lookup(table, "close")).isSameAs("close");
		assertThat(lookup(table, "Close")).isSameAs("Close");
		assertThat(lookup(table, "CLOSE")).isNull();
	}

	@Test
	void internFallsBackToANewLatin1String() {
		byte[] bytes = "x-ünknown".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(InternTable.HEADER_NAMES.intern(bytes, 0, bytes.length)).isEqualTo("x-ünknown");
	}

	@Test
	void caseIsFoldedForLettersOnly() {
		// '-' (0x2d) and '\r' (0x0d) differ only in bit 0x20; so do '@' and '`' from
		// letters.
		assertThat(lookup(InternTable.HEADER_NAMES, "Content\rLength")).isNull();
		assertThat(lookup(InternTable.HEADER_NAMES, "@ge")).isNull();
		assertThat(lookup(InternTable.HEADER_NAMES, "AGE")).isSameAs("Age");
	}

	private static String lookup(InternTable table, String text) {
		byte[] bytes = ("[" + text + "]").getBytes(StandardCharsets.ISO_8859_1);
		return table.lookup(bytes, 1, bytes.length - 1);
	}

}
