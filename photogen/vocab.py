"""Texts written on the generated posters: municipal business-process phrases, KPT phrases,
lane labels and titles. Every string is encodable in JIS X 0208 (checked by the tests)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

FLOW_PHRASES: tuple[str, ...] = (
    "申請書を受付",
    "本人確認",
    "住民票の写しを交付",
    "システムに入力",
    "決裁",
    "手数料を徴収",
    "窓口で案内",
    "書類の不備を確認",
    "番号札を発行",
    "申請書を記入",
    "来庁する",
    "内容を審査",
    "課長が承認",
    "台帳を更新",
    "証明書を印刷",
    "公印を押す",
    "交付簿に記録",
    "電話で問合せ",
    "必要書類を案内",
    "不足書類を連絡",
    "郵送で返送",
    "領収書を渡す",
    "データを照合",
    "住所を変更",
    "転入届を受理",
    "マイナンバーを確認",
    "担当課へ回付",
    "起案する",
    "結果を通知",
    "受付印を押す",
    "待合で待つ",
    "控えを保管",
    "届出書を確認",
    "再発行を依頼",
    "オンライン申請",
    "審査結果を入力",
    "支払いを確認",
    "窓口で受取",
    "書類を郵送",
    "名前を呼ぶ",
    "代理人の確認",
    "委任状を確認",
    "帳票を出力",
    "差し戻し",
    "資格を確認",
    "月末に集計",
)
"""Steps of a 窓口 (counter) business flow, as a facilitator writes them on notes."""

SHORT_PHRASES: tuple[str, ...] = (
    "受付",
    "本人確認",
    "決裁",
    "審査",
    "入力",
    "交付",
    "照合",
    "承認",
    "起案",
    "通知",
    "押印",
    "保管",
    "集計",
    "来庁",
    "記入",
    "案内",
)
"""Short steps for small notes."""

KPT_PHRASES: dict[str, tuple[str, ...]] = {
    "keep": (
        "事前に書類を案内できた",
        "待ち時間が短くなった",
        "記入例が好評",
        "声かけができた",
        "引継ぎが丁寧",
        "朝礼で情報共有",
        "番号札で混乱なし",
        "説明が分かりやすい",
    ),
    "problem": (
        "記入例がわかりにくい",
        "窓口が混雑する",
        "入力ミスが多い",
        "決裁に時間がかかる",
        "書類の差し戻しが多い",
        "電話が鳴りやまない",
        "担当が一人だけ",
        "紙の保管場所がない",
    ),
    "try": (
        "オンライン申請を案内する",
        "記入例を作り直す",
        "入力を二人で確認",
        "電子決裁にする",
        "案内表示を増やす",
        "手順書を共有する",
        "予約制を試す",
        "よくある質問を作る",
    ),
}
"""Keep / Problem / Try phrases for a ふりかえり poster."""

KPT_HEADERS: tuple[str, ...] = ("Keep", "Problem", "Try")
"""Column headers of a KPT poster (written on the paper, not on notes)."""

LANE_LABELS: tuple[str, ...] = (
    "住民",
    "窓口",
    "担当課",
    "システム",
    "審査係",
    "会計",
    "課長",
    "庶務",
)
"""Swimlane labels (the actors of the flow)."""

FLOW_TITLES: tuple[str, ...] = (
    "住民票交付の流れ（現状）",
    "転入届の業務フロー",
    "証明書発行業務の見える化",
    "窓口業務の流れ",
    "申請から交付まで",
)
"""Titles written at the top of a flow poster."""

KPT_TITLES: tuple[str, ...] = ("ふりかえり（ＫＰＴ）", "今日のふりかえり", "業務改善ＫＰＴ")
"""Titles written at the top of a KPT poster."""


def is_jis_x_0208(text: str) -> bool:
    """True when every character of ``text`` is in JIS X 0208 (ISO-2022-JP without ASCII)."""
    for ch in text:
        if ord(ch) < 0x80:
            return False
        try:
            ch.encode("iso2022_jp")
        except UnicodeEncodeError:
            return False
    return True
