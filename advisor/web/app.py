"""The web app's entry point: a router. Each page is a file in advisor/web/pages/ (see README)."""

import streamlit as st

from advisor.resources import package_path

# Why a file and not ":material/hub:": for a Material icon as the favicon, Streamlit's frontend fetches the icon's
# SVG from fonts.gstatic.com on every page load; the app fetches nothing from other hosts (tests/e2e/test_diagram_boxes)
st.set_page_config(
    page_title="Coordination Advisor", page_icon=str(package_path("advisor.web", "icon.png")), layout="wide"
)

PAGES = {
    "Assess one workflow": [
        st.Page("pages/questionnaire.py", title="Questionnaire", icon=":material/checklist:", default=True),
        st.Page("pages/recommendation.py", title="Recommendation", icon=":material/recommend:"),
        st.Page("pages/diagram.py", title="Diagram", icon=":material/account_tree:"),
        st.Page("pages/export.py", title="Export & import", icon=":material/download:"),
    ],
    "Beyond one workflow": [
        st.Page("pages/portfolio.py", title="Portfolio", icon=":material/table_chart:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/saved.py", title="Saved assessments", icon=":material/history:"),
    ],
    "Rulebook": [
        st.Page("pages/rules.py", title="Rules", icon=":material/rule:"),
    ],
}

st.navigation(PAGES).run()
