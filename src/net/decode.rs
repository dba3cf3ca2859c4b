//! Turning response bytes into UTF-8 text: BOM, HTTP charset, `<meta>` prescan, detection.
